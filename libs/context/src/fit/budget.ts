import { GatewayError } from '@app/core';
import type { ContextFitOptions, ContextTarget } from './fit-types';

export const DEFAULT_RESERVE_OUTPUT_TOKENS = 1024;

export interface FitBudget {
  window: number;
  reservedOutput: number;
  /** the most prompt tokens that leave room for the reserved output */
  input: number;
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * The room for the prompt: the window minus the output reserve. The reserve is the request's
 * max_tokens when set, else the route's `reserveOutputTokens` (default 1024), never more than the
 * model's maximum output.
 */
export function resolveBudget(
  target: ContextTarget,
  options: ContextFitOptions,
  maxTokens: number | undefined,
): FitBudget {
  if (!isPositiveInteger(target.contextWindow) || !isPositiveInteger(target.maxOutputTokens)) {
    throw GatewayError.internal(
      `Deployment of '${target.model}' has no valid contextWindow / maxOutputTokens.`,
    );
  }
  if (maxTokens !== undefined && !isPositiveInteger(maxTokens)) {
    throw GatewayError.invalidRequest('max_tokens must be a positive integer.', 'max_tokens');
  }
  const reserve = options.reserveOutputTokens;
  if (reserve !== undefined && !(Number.isSafeInteger(reserve) && reserve >= 0)) {
    throw GatewayError.internal('The route has an invalid context.reserveOutputTokens.');
  }
  const wanted = maxTokens ?? reserve ?? DEFAULT_RESERVE_OUTPUT_TOKENS;
  const reservedOutput = Math.min(wanted, target.maxOutputTokens);
  return {
    window: target.contextWindow,
    reservedOutput,
    input: target.contextWindow - reservedOutput,
  };
}
