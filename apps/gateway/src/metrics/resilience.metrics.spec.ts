import { Registry } from 'prom-client';
import { ResilienceRegistry } from '@app/resilience';
import { registerResilienceMetrics } from './resilience.metrics';

describe('registerResilienceMetrics', () => {
  it('exposes each breaker state and bulkhead at scrape time', async () => {
    const resilience = new ResilienceRegistry({
      deployments: [
        {
          name: 'a@one',
          breaker: {
            consecutiveFailures: 1,
            failureRate: 0,
            windowMs: 1000,
            minimumCalls: 1,
            coolDownMs: 60_000,
          },
        },
        {
          name: 'b@two',
          breaker: {
            consecutiveFailures: 5,
            failureRate: 0,
            windowMs: 1000,
            minimumCalls: 1,
            coolDownMs: 1000,
          },
        },
      ],
      providers: [{ name: 'one', maxConcurrent: 2, maxQueue: 2, queueTimeoutMs: 100 }],
      retryBudget: { ratio: 0.2, windowMs: 1000, minPerWindow: 1 },
    });
    const registry = new Registry();
    registerResilienceMetrics(registry, resilience);

    resilience.settle('a@one', 'failure');
    resilience.bulkhead('one')?.tryAcquire();
    const text = await registry.metrics();
    expect(text).toContain('gateway_breaker_state{deployment="a@one"} 2');
    expect(text).toContain('gateway_breaker_state{deployment="b@two"} 0');
    expect(text).toContain('gateway_provider_in_flight{provider="one"} 1');
    expect(text).toContain('gateway_provider_queued{provider="one"} 0');
  });
});
