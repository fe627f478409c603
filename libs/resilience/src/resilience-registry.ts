import type { AttemptGuards } from './attempt-plan';
import { BreakerRegistry } from './breaker-registry';
import type { BreakerSettings, BreakerSnapshot, BreakerStateListener } from './circuit-breaker';
import { Bulkhead, type BulkheadSettings, type BulkheadSnapshot } from './bulkhead';
import type { Clock } from './clock';
import { LatencyTracker } from './latency-tracker';
import { RetryBudget, type RetryBudgetSettings, type RetryBudgetSnapshot } from './retry-budget';

export interface ResilienceSettings {
  deployments: readonly { name: string; breaker: BreakerSettings }[];
  providers: readonly ({ name: string } & BulkheadSettings)[];
  retryBudget: RetryBudgetSettings;
}

export interface ResilienceOptions {
  now?: Clock;
  onBreakerStateChange?: BreakerStateListener;
}

/** How an admitted attempt ended, for its deployment's breaker and latency record. */
export type AttemptOutcome = 'success' | 'failure' | 'none';

export interface ResilienceSnapshot {
  breakers: BreakerSnapshot[];
  bulkheads: BulkheadSnapshot[];
  retryBudgets: ({ name: string } & RetryBudgetSnapshot)[];
}

/**
 * The shared, process-wide resilience state: a circuit breaker, retry budget and latency record
 * per deployment, a bulkhead per provider. Built once from the config; every request's
 * AttemptPlan consults it (it is the plan's AttemptGuards).
 */
export class ResilienceRegistry implements AttemptGuards {
  private readonly breakers: BreakerRegistry;
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly latencies = new Map<string, LatencyTracker>();
  private readonly bulkheads = new Map<string, Bulkhead>();

  constructor(settings: ResilienceSettings, options: ResilienceOptions = {}) {
    const { now } = options;
    this.breakers = new BreakerRegistry(
      new Map(settings.deployments.map((d) => [d.name, d.breaker])),
      { now, onStateChange: options.onBreakerStateChange },
    );
    for (const deployment of settings.deployments) {
      this.budgets.set(deployment.name, new RetryBudget(settings.retryBudget, { now }));
      this.latencies.set(deployment.name, new LatencyTracker());
    }
    for (const provider of settings.providers) {
      const { name, maxConcurrent, maxQueue, queueTimeoutMs } = provider;
      this.bulkheads.set(name, new Bulkhead(name, { maxConcurrent, maxQueue, queueTimeoutMs }));
    }
  }

  admit(deployment: string): boolean {
    return this.breakers.get(deployment).tryAcquire();
  }

  closestToRecovery(deployments: readonly string[]): string | undefined {
    return this.breakers.pickWhenAllOpen(deployments);
  }

  onRequest(deployment: string): void {
    this.budgets.get(deployment)?.onRequest();
  }

  allowRetry(deployment: string): boolean {
    return this.budgets.get(deployment)?.tryAcquire() ?? true;
  }

  release(deployment: string): void {
    this.breakers.get(deployment).release();
  }

  /** Reports how an attempt on the deployment ended; its latency counts only on success. */
  settle(deployment: string, outcome: AttemptOutcome, latencyMs?: number): void {
    const breaker = this.breakers.get(deployment);
    if (outcome === 'success') {
      breaker.onSuccess();
      if (latencyMs !== undefined) this.latencies.get(deployment)?.record(latencyMs);
    } else if (outcome === 'failure') breaker.onFailure();
    else breaker.release();
  }

  /** the provider's bulkhead; undefined for a provider the settings did not list */
  bulkhead(provider: string): Bulkhead | undefined {
    return this.bulkheads.get(provider);
  }

  /** the deployment's recent latency at percentile `p`, once enough samples were seen */
  latencyPercentile(deployment: string, p: number): number | undefined {
    return this.latencies.get(deployment)?.percentile(p);
  }

  snapshot(): ResilienceSnapshot {
    return {
      breakers: this.breakers.snapshot(),
      bulkheads: [...this.bulkheads.values()].map((bulkhead) => bulkhead.snapshot()),
      retryBudgets: [...this.budgets].map(([name, budget]) => ({ name, ...budget.snapshot() })),
    };
  }
}
