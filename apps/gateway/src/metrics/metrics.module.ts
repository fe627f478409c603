import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { ResilienceRegistry } from '@app/resilience';
import { RequestObservers } from '../http/request-observers';
import { MetricsController } from './metrics.controller';
import { RequestMetrics, type DeploymentInfo } from './request.metrics';
import { registerResilienceMetrics } from './resilience.metrics';

/**
 * The process's Prometheus registry (one per app, not prom-client's global one, so several apps in
 * one test process do not collide), the request metrics recorded as each request ends, and
 * `GET /metrics`. With `server.metrics: false` nothing is recorded and `/metrics` is a 404.
 */
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: (resilience: ResilienceRegistry) => {
        const registry = new Registry();
        registerResilienceMetrics(registry, resilience);
        return registry;
      },
      inject: [ResilienceRegistry],
    },
    {
      provide: RequestMetrics,
      useFactory: (config: GatewayConfig, registry: Registry, observers: RequestObservers) => {
        if (!config.server.metrics) return undefined;
        const providerTypes = new Map(config.providers.map((p) => [p.name, p.type]));
        const deployments = new Map<string, DeploymentInfo>(
          config.deployments.map((d) => [
            d.name,
            { model: d.model, providerType: providerTypes.get(d.provider) ?? '' },
          ]),
        );
        const metrics = new RequestMetrics(registry, deployments);
        observers.register({ requestFinished: (finished) => metrics.record(finished) });
        return metrics;
      },
      inject: [GATEWAY_CONFIG, Registry, RequestObservers],
    },
  ],
  exports: [Registry],
})
export class MetricsModule {}
