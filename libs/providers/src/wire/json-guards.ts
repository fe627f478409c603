import { GatewayError } from '@app/core';

/** Narrowing helpers for reading upstream JSON bodies, which arrive as `unknown`. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative count, or undefined when the field is absent or not a count. */
export function optionalCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A non-negative integer count, else 0 (upstreams send null or leave counts out). */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** The upstream answered 2xx with a body the gateway cannot read: retryable, as a 502. */
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
