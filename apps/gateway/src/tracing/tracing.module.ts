import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { GatewayTracer, type DeploymentTraceInfo } from '@app/observability';
import { activeTracing } from './process-tracing';
import { TracingObserver } from './tracing.observer';

/**
 * OpenTelemetry traces of the app's requests, when the process started tracing before the app was
 * built (instrumentation.ts from the environment, or `startTracing` in a test): a SERVER span per
 * API request and a CLIENT span per upstream attempt. Otherwise nothing is registered.
 */
@Module({
  providers: [
    {
      provide: GatewayTracer,
      useFactory: (config: GatewayConfig): GatewayTracer | undefined => {
        const tracing = activeTracing();
        if (tracing === undefined) return undefined;
        return new GatewayTracer(tracing.tracer, { deployments: deploymentsOf(config) });
      },
      inject: [GATEWAY_CONFIG],
    },
    TracingObserver,
  ],
})
export class TracingModule {}

/** Each deployment's model and the host and port of its provider's configured base URL. */
export function deploymentsOf(config: GatewayConfig): Map<string, DeploymentTraceInfo> {
  const servers = new Map<string, { serverAddress: string; serverPort?: number }>();
  for (const provider of config.providers) {
    if (provider.baseUrl === undefined) continue;
    try {
      const url = new URL(provider.baseUrl);
      const server: { serverAddress: string; serverPort?: number } = {
        serverAddress: url.hostname.replace(/^\[|\]$/g, ''),
      };
      if (url.port !== '') server.serverPort = Number(url.port);
      servers.set(provider.name, server);
    } catch {
      // the config loader validated the URL; nothing to add if it cannot be parsed
    }
  }
  return new Map(
    config.deployments.map((deployment) => [
      deployment.name,
      { model: deployment.model, ...servers.get(deployment.provider) },
    ]),
  );
}
