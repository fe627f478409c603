import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WinstonModule } from 'nest-winston';
import type { GatewayConfig } from '@app/gateway';
import type { GatewayLogger } from '@app/observability';
import { AppModule } from '../app.module';
import { installRequestHooks } from '../http/request-hooks';
import { requestIdFor } from '../http/request-id';
import { RequestObservers } from '../http/request-observers';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { backportAsyncResourceBind } from './async-resource-bind';

export interface GatewayAppOptions {
  config: GatewayConfig;
  logger: GatewayLogger;
}

/** Builds the Nest application on Fastify, initialised but not listening (main.ts and tests). */
export async function createGatewayApp(
  options: GatewayAppOptions,
): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  backportAsyncResourceBind();
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    // no Nest middleware is used: without middie every request skips one more hook
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: WinstonModule.createLogger({ instance: logger }),
    abortOnError: false,
    // Fastify parses JSON itself; Nest's extra form-body parser would accept non-JSON bodies
    bodyParser: false,
  });
  installRequestHooks(
    app.getHttpAdapter().getInstance(),
    app.get(LifecycleService),
    logger,
    app.get(RequestObservers),
  );
  await app.init();
  return app;
}
