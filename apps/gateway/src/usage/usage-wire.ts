import {
  formatNanoUsd,
  USAGE_GROUP_KEYS,
  type UsageCounters,
  type UsageGroupKey,
  type UsageTotals,
} from '@app/usage';

/** The sums of one group (or of everything), as `GET /v1/usage` sends them. */
export interface UsageCountersWire {
  requests: number;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** decimal US dollars, exact (the unpriced attempts add nothing) */
  cost_usd: string;
  estimated_attempts: number;
  unpriced_attempts: number;
}

export type UsageRowWire = Partial<Record<UsageGroupKey, string | null>> & UsageCountersWire;

export interface UsageReport {
  object: 'list';
  group_by: UsageGroupKey[];
  data: UsageRowWire[];
  total: UsageCountersWire;
}

export function toCountersWire(counters: UsageCounters): UsageCountersWire {
  return {
    requests: counters.requests,
    attempts: counters.attempts,
    input_tokens: counters.inputTokens,
    output_tokens: counters.outputTokens,
    cached_input_tokens: counters.cachedInputTokens,
    cache_write_tokens: counters.cacheWriteTokens,
    reasoning_tokens: counters.reasoningTokens,
    cost_usd: formatNanoUsd(counters.costNanoUsd),
    estimated_attempts: counters.estimatedAttempts,
    unpriced_attempts: counters.unpricedAttempts,
  };
}

export function toUsageReport(groupBy: readonly UsageGroupKey[], totals: UsageTotals): UsageReport {
  return {
    object: 'list',
    group_by: [...groupBy],
    data: totals.rows.map((row) => {
      const keys: Partial<Record<UsageGroupKey, string | null>> = {};
      for (const key of USAGE_GROUP_KEYS) if (groupBy.includes(key)) keys[key] = row[key] ?? null;
      return { ...keys, ...toCountersWire(row) };
    }),
    total: toCountersWire(totals.total),
  };
}
