import { GatewayError } from '@app/core';

/** Small checks for reading `unknown` upstream JSON without trusting its shape. */

export type WireRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-negative token count, or 0 when the field is absent or null (Anthropic sends null for "none"). */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The upstream answered 2xx with something that is not what its API promises. */
export function badResponse(provider: string, detail: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'upstream_bad_response',
    message: `Upstream ${provider} sent a response the gateway could not read: ${detail}.`,
    provider,
    retryable: true,
  });
}
