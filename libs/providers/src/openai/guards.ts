import { GatewayError } from '@app/core';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative integer count, else 0 (servers send null or leave counts out). */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** The upstream answered 2xx with a body the gateway cannot read: worth another attempt. */
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
