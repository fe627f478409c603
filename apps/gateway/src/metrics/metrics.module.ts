import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ResilienceRegistry } from '@app/resilience';
import { MetricsController } from './metrics.controller';
import { registerResilienceMetrics } from './resilience.metrics';

/**
 * The process's Prometheus registry (one per app, not prom-client's global one, so several apps in
 * one test process do not collide) and `GET /metrics`.
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
  ],
  exports: [Registry],
})
export class MetricsModule {}
