import { activeTracing } from './instrumentation'; // first: tracing starts before Nest loads
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/gateway';
import { createGatewayLogger } from '@app/observability';
import { createGatewayApp } from './bootstrap/create-app';
import { decideListen } from './bootstrap/listen-policy';
import { readProcessSettings } from './bootstrap/process-settings';
import { installGracefulShutdown } from './bootstrap/shutdown';
import { LifecycleService } from './lifecycle/lifecycle.service';

function fail(message: string): never {
  process.stderr.write(`llm-gateway: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let settings;
  let config;
  try {
    settings = readProcessSettings(process.env);
    config = loadConfig({ path: settings.configPath, env: process.env });
  } catch (error) {
    fail(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  }
  const decision = decideListen(config, settings.host);
  if (!decision.allowed) fail(decision.reason);

  const logger = createGatewayLogger({ level: settings.logLevel });
  const app = await createGatewayApp({ config, logger });
  const lifecycle = app.get(LifecycleService);
  installGracefulShutdown(app, lifecycle, config.server.drainTimeoutMs, logger, activeTracing());
  await app.listen(settings.port, settings.host);
  lifecycle.markStarted();
  if (decision.warning) logger.warn(decision.warning);
  logger.info('llm-gateway listening', {
    url: await app.getUrl(),
    config: config.source,
    providers: config.providers.map((p) => `${p.name} (${p.type})`),
    routes: config.routes.map((r) => r.name),
  });
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
