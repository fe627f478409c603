import { GatewayError, streamCutError, upstreamError } from '@app/core';
import type { SimFailure } from './faults';

/** The errors the simulator raises, shaped like those of a real upstream. */

const STATUS_MESSAGES: Record<number, string> = {
  429: 'Rate limit reached for requests. Please try again later.',
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway.',
  503: 'The engine is currently overloaded, please try again later.',
  504: 'Gateway timeout.',
  529: 'Overloaded.',
};

export function failureError(provider: string, failure: SimFailure): GatewayError {
  if (failure.kind === 'reset') {
    return upstreamError({ provider, message: 'socket hang up (simulated connection reset)' });
  }
  const { status, retryAfterMs } = failure;
  return upstreamError({
    provider,
    status,
    message: `${STATUS_MESSAGES[status] ?? `HTTP ${status}.`} (simulated)`,
    upstreamCode: status === 529 ? 'overloaded_error' : undefined,
    retryAfterMs,
  });
}

export function invalidRequestError(provider: string, message: string): GatewayError {
  return upstreamError({ provider, status: 400, message });
}

export function cutError(provider: string, chunks: number): GatewayError {
  return streamCutError(provider, `simulated connection reset after ${chunks} chunk(s)`);
}

/**
 * The error for a request whose signal aborted. The gateway may abort with a GatewayError as the
 * reason (then that is the error); a `TimeoutError` reason (AbortSignal.timeout) is a 504
 * `deadline_exceeded`; anything else means the caller went away: the gateway's
 * `client_closed_request`, as every HTTP provider reports it. Neither is retryable: there is
 * nobody left to answer or no time left to try.
 */
export function abortError(provider: string, reason: unknown): GatewayError {
  if (reason instanceof GatewayError) return reason;
  // duck-typed: DOMException is not an `instanceof Error` across realms
  const timedOut =
    typeof reason === 'object' &&
    reason !== null &&
    (reason as { name?: unknown }).name === 'TimeoutError';
  if (!timedOut)
    return GatewayError.aborted(`The request to ${provider} was aborted by the caller.`);
  return new GatewayError({
    status: 504,
    type: 'timeout_error',
    code: 'deadline_exceeded',
    message: `The request deadline passed while waiting for ${provider}.`,
    provider,
    retryable: false,
    cause: reason,
  });
}
