import { formatUsd, requestBill, type RequestBill, type RequestContext } from '@app/core';

/**
 * The request's cost so far as a decimal USD string: every attempt that consumed tokens, at its
 * deployment's prices. `0` when none did; undefined when one of them had no price (so the sum
 * would understate it) or no attempt was made. `bill`: the request's bill when the caller has it.
 */
export function requestCostUsd(
  context: RequestContext,
  bill: RequestBill | undefined = requestBill(context.meta),
): string | undefined {
  if (context.meta.attempts === 0) return undefined;
  if (bill === undefined) return '0';
  return bill.priced ? formatUsd(bill.costNanoUsd) : undefined;
}

/** The gateway's extras of a usage object sent to the caller. */
export function usageExtras(context: RequestContext): { costUsd?: string } {
  const costUsd = requestCostUsd(context);
  return costUsd === undefined ? {} : { costUsd };
}
