import { Gauge, type Registry } from 'prom-client';
import type { BreakerState, ResilienceRegistry } from '@app/resilience';

/** the breaker gauge's value per state */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/**
 * Breaker and bulkhead gauges, read from the resilience state when Prometheus scrapes: nothing is
 * recorded on the request path. Labels are bounded: one series per configured deployment or provider.
 */
export function registerResilienceMetrics(
  registry: Registry,
  resilience: ResilienceRegistry,
): void {
  new Gauge({
    name: 'gateway_breaker_state',
    help: 'Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open',
    labelNames: ['deployment'],
    registers: [registry],
    collect() {
      for (const breaker of resilience.snapshot().breakers) {
        this.set({ deployment: breaker.name }, BREAKER_STATE_VALUE[breaker.state]);
      }
    },
  });
  new Gauge({
    name: 'gateway_provider_in_flight',
    help: 'Upstream requests in flight per provider (its bulkhead)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      for (const bulkhead of resilience.snapshot().bulkheads) {
        this.set({ provider: bulkhead.name }, bulkhead.inFlight);
      }
    },
  });
  new Gauge({
    name: 'gateway_provider_queued',
    help: "Requests waiting in a provider's bulkhead queue",
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      for (const bulkhead of resilience.snapshot().bulkheads) {
        this.set({ provider: bulkhead.name }, bulkhead.queued);
      }
    },
  });
}
