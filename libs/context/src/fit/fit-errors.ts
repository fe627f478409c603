import { GatewayError, isGatewayError } from '@app/core';
import type { FitBudget } from './budget';

/** 400 context_length_exceeded, with the counts that did not fit. */
export function contextTooLong(inputTokens: number, budget: FitBudget, detail?: string) {
  const needed = inputTokens + budget.reservedOutput;
  return GatewayError.contextLengthExceeded(
    `This model's maximum context length is ${budget.window} tokens, but the request needs ` +
      `${needed} tokens (${inputTokens} in the messages, ${budget.reservedOutput} reserved for ` +
      `the completion)${detail ? `; ${detail}` : ''}. Shorten the messages or lower max_tokens.`,
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw GatewayError.aborted();
}

/** A summarizer's failure as the caller should see it: GatewayErrors pass, the rest is a 502. */
export function summarizerFailure(error: unknown, signal: AbortSignal | undefined): GatewayError {
  if (signal?.aborted) return GatewayError.aborted();
  if (isGatewayError(error)) return error;
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'context_summarization_failed',
    message: 'Summarising the context to fit the model window failed.',
    cause: error,
  });
}
