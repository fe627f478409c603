import { DEFAULT_BREAKER, DEFAULT_RETRY_BUDGET } from './config.defaults';
import type { BreakerConfig, ResilienceConfig } from './config.types';
import type { ObjectReader } from './reader';

export const BREAKER_FIELDS = Object.keys(DEFAULT_BREAKER);
const RETRY_BUDGET_FIELDS = Object.keys(DEFAULT_RETRY_BUDGET);
const RESILIENCE_FIELDS = ['breaker', 'retryBudget'];
const SHARE = { min: 0, max: 1 };

/** `resilience`: the defaults of every deployment's breaker and retry budget. */
export function readResilience(root: ObjectReader): ResilienceConfig {
  const r = root.object('resilience', RESILIENCE_FIELDS);
  const budget = r?.object('retryBudget', RETRY_BUDGET_FIELDS);
  return {
    breaker: readBreaker(r?.object('breaker', BREAKER_FIELDS), DEFAULT_BREAKER),
    retryBudget: {
      ratio: budget?.number('ratio', SHARE) ?? DEFAULT_RETRY_BUDGET.ratio,
      windowMs: budget?.integer('windowMs', { positive: true }) ?? DEFAULT_RETRY_BUDGET.windowMs,
      minPerWindow:
        budget?.integer('minPerWindow', { min: 0 }) ?? DEFAULT_RETRY_BUDGET.minPerWindow,
    },
  };
}

/** A breaker block; every field it leaves out comes from `defaults`. */
export function readBreaker(r: ObjectReader | undefined, defaults: BreakerConfig): BreakerConfig {
  return {
    consecutiveFailures:
      r?.integer('consecutiveFailures', { min: 0 }) ?? defaults.consecutiveFailures,
    failureRate: r?.number('failureRate', SHARE) ?? defaults.failureRate,
    windowMs: r?.integer('windowMs', { positive: true }) ?? defaults.windowMs,
    minimumCalls: r?.integer('minimumCalls', { min: 1 }) ?? defaults.minimumCalls,
    coolDownMs: r?.integer('coolDownMs', { min: 0 }) ?? defaults.coolDownMs,
  };
}
