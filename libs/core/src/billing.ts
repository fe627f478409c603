import type { AttemptRecord, ResponseMeta } from './context';
import { makeUsage, type Usage } from './usage';

/** What a request consumed over all its attempts (and the sub-requests made for it). */
export interface RequestBill {
  /** the attempts' token counts added up */
  usage: Usage;
  /** their cost in billionths of a US dollar; the unpriced attempts add nothing */
  costNanoUsd: number;
  /** every attempt that consumed tokens had a price */
  priced: boolean;
  /** some of the counts were made by the gateway, not reported by the provider */
  estimated: boolean;
  /** attempts that consumed tokens */
  attempts: number;
}

/** The bill of a request: undefined when no attempt consumed tokens. */
export function requestBill(meta: ResponseMeta): RequestBill | undefined {
  let bill: RequestBill | undefined;
  bill = addAttempts(bill, meta.attemptLog);
  bill = addAttempts(bill, meta.subAttempts);
  return bill;
}

function addAttempts(
  bill: RequestBill | undefined,
  records: readonly AttemptRecord[] | undefined,
): RequestBill | undefined {
  if (records === undefined) return bill;
  for (const record of records) {
    const usage = record.usage;
    if (usage === undefined) continue;
    if (bill === undefined) {
      bill = {
        usage: makeUsage(0, 0),
        costNanoUsd: 0,
        priced: true,
        estimated: false,
        attempts: 0,
      };
    }
    bill.usage = addUsage(bill.usage, usage);
    bill.attempts += 1;
    if (usage.estimated) bill.estimated = true;
    if (record.costNanoUsd === undefined) bill.priced = false;
    else bill.costNanoUsd += record.costNanoUsd;
  }
  return bill;
}

/** Two usages added field by field (`estimated` when either is). */
export function addUsage(a: Usage, b: Usage): Usage {
  return makeUsage(a.inputTokens + b.inputTokens, a.outputTokens + b.outputTokens, {
    cachedInputTokens: (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0),
    cacheWriteTokens: (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0),
    reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0),
    estimated: a.estimated === true || b.estimated === true,
  });
}

/** Billionths of a dollar as a decimal USD string with no float error: 1234 -> "0.000001234". */
export function formatUsd(nanoUsd: number): string {
  const sign = nanoUsd < 0 ? '-' : '';
  const digits = String(Math.abs(Math.round(nanoUsd))).padStart(10, '0');
  const whole = digits.slice(0, -9);
  const fraction = digits.slice(-9).replace(/0+$/, '');
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** Prices in US dollars per million tokens. */
export interface Pricing {
  inputPerMTok: number;
  /** prompt tokens read from the provider's cache */
  cachedInputPerMTok: number;
  /** prompt tokens written to the provider's cache (Anthropic cache creation) */
  cacheWritePerMTok: number;
  outputPerMTok: number;
  /** reasoning tokens (a part of the output); unset: charged as output */
  reasoningPerMTok?: number;
}

/**
 * The cost of a usage at a price list, in billionths of a dollar (an integer, so sums are exact).
 * Input is split into uncached, cache-read and cache-write tokens; output into reasoning and the
 * rest. A usage whose parts exceed its total (a provider's inconsistent report) never goes below 0.
 */
export function costNanoUsd(usage: Usage, pricing: Pricing): number {
  const cached = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const reasoning = usage.reasoningTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cached - cacheWrite);
  const visibleOutput = Math.max(0, usage.outputTokens - reasoning);
  // $ per million tokens = 1000 nano-dollars per token
  const nanos =
    uncached * pricing.inputPerMTok +
    cached * pricing.cachedInputPerMTok +
    cacheWrite * pricing.cacheWritePerMTok +
    visibleOutput * pricing.outputPerMTok +
    reasoning * (pricing.reasoningPerMTok ?? pricing.outputPerMTok);
  return Math.round(nanos * 1000);
}
