import { GatewayError } from '@app/core';
import { isUsageDay } from './usage-event';

/** What totals can be grouped by. `key` is the API key's id. */
export const USAGE_GROUP_KEYS = ['tenant', 'key', 'route', 'deployment', 'day'] as const;
export type UsageGroupKey = (typeof USAGE_GROUP_KEYS)[number];

export function isUsageGroupKey(text: string): text is UsageGroupKey {
  return (USAGE_GROUP_KEYS as readonly string[]).includes(text);
}

/** Which events to add up, and how to group them. Every filter is an exact match. */
export interface UsageQuery {
  /** the group keys, in the order the rows are sorted by; empty: one row for everything */
  groupBy: readonly UsageGroupKey[];
  /** first day, YYYY-MM-DD UTC, inclusive */
  from?: string;
  /** last day, YYYY-MM-DD UTC, inclusive */
  to?: string;
  /** the owner (`usageOwner`): a tenant id, `key:<id>` or `anonymous` */
  tenant?: string;
  /** an API key id */
  key?: string;
  route?: string;
  deployment?: string;
}

/** The sums over a set of events. */
export interface UsageCounters {
  /** distinct request ids */
  requests: number;
  /** events (attempts that consumed tokens, sub-requests' included) */
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** billionths of a US dollar, exact at any size (unpriced attempts add nothing) */
  costNanoUsd: bigint;
  /** attempts whose tokens the gateway counted */
  estimatedAttempts: number;
  /** attempts on a deployment without prices */
  unpricedAttempts: number;
}

/** One group: its keys (those asked for; null where the events have none) and its sums. */
export type UsageRow = Partial<Record<UsageGroupKey, string | null>> & UsageCounters;

export interface UsageTotals {
  /** one row per group that has events, sorted by the group keys (nulls first) */
  rows: UsageRow[];
  /** everything the filters match (a request spanning groups counts once here) */
  total: UsageCounters;
}

export function emptyCounters(): UsageCounters {
  return {
    requests: 0,
    attempts: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costNanoUsd: 0n,
    estimatedAttempts: 0,
    unpricedAttempts: 0,
  };
}

/**
 * Checks a query (the store runs it before any SQL): known, distinct group keys; real days,
 * `from` not after `to`. @throws GatewayError 400 naming the field
 */
export function checkUsageQuery(query: UsageQuery): UsageQuery {
  const seen = new Set<string>();
  for (const key of query.groupBy) {
    if (!isUsageGroupKey(key)) {
      throw GatewayError.invalidRequest(
        `Unknown group key '${String(key)}': use ${USAGE_GROUP_KEYS.join(', ')}.`,
        'groupBy',
      );
    }
    if (seen.has(key)) {
      throw GatewayError.invalidRequest(`Group key '${key}' is given twice.`, 'groupBy');
    }
    seen.add(key);
  }
  for (const field of ['from', 'to'] as const) {
    const day = query[field];
    if (day !== undefined && !isUsageDay(day)) {
      throw GatewayError.invalidRequest(`${field} must be a day as YYYY-MM-DD.`, field);
    }
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw GatewayError.invalidRequest(`from (${query.from}) is after to (${query.to}).`, 'from');
  }
  return query;
}

/** Rows in group-key order, nulls first (the same in every dialect). */
export function compareRows(groupBy: readonly UsageGroupKey[]) {
  return (a: UsageRow, b: UsageRow): number => {
    for (const key of groupBy) {
      const x = a[key] ?? null;
      const y = b[key] ?? null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
}

/** Billionths of a dollar as a decimal USD string, exact at any size: 1234n -> "0.000001234". */
export function formatNanoUsd(nanoUsd: bigint): string {
  const sign = nanoUsd < 0n ? '-' : '';
  const digits = (nanoUsd < 0n ? -nanoUsd : nanoUsd).toString().padStart(10, '0');
  const whole = digits.slice(0, -9);
  const fraction = digits.slice(-9).replace(/0+$/, '');
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}
