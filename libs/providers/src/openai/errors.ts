import { GatewayError, redactSecrets, upstreamError } from '@app/core';
import type { UpstreamErrorDetails } from '../transport';
import { isObject, optionalString, type JsonObject } from '../wire/json-guards';

const MAX_MESSAGE_CHARS = 600;

/**
 * The error object inside an error body: OpenAI's `{"error":{message,type,param,code}}`, or what
 * OpenAI-compatible servers send instead (`{"error":"text"}`, vLLM's top-level
 * `{"object":"error","message",...}`, FastAPI's `{"detail":...}`).
 */
export function openAiErrorObject(body: unknown): JsonObject | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.error)) return body.error;
  if (typeof body.error === 'string') return { message: body.error };
  if (typeof body.message === 'string') return body;
  if (body.detail !== undefined) {
    return { message: typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail) };
  }
  return undefined;
}

/**
 * The provider's own error code, e.g. `insufficient_quota`, `context_length_exceeded`,
 * `content_filter`. Numeric codes (`400`, Azure's `"429"`) only repeat the status and are dropped.
 */
export function openAiErrorCode(error: JsonObject): string | undefined {
  const code = optionalString(error.code)?.trim();
  return code && !/^\d+$/.test(code) ? code : undefined;
}

/** Reads an upstream error body (JSON already parsed, else raw text) for the transport. */
export function parseOpenAiError(body: unknown, status: number): UpstreamErrorDetails {
  const error = openAiErrorObject(body);
  if (error === undefined) {
    const text = typeof body === 'string' ? body.trim() : '';
    return { message: text || `HTTP ${status}` };
  }
  const message = optionalString(error.message) || optionalString(error.type) || `HTTP ${status}`;
  return { message, code: openAiErrorCode(error), retryAfterMs: retryDelayInMessage(message) };
}

/**
 * OpenAI rate-limit messages say when to come back: "Please try again in 150ms", "in 1.5s",
 * "in 6m0s" (Go durations). Used only when the response has no retry header.
 */
export function retryDelayInMessage(message: string): number | undefined {
  const match = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  if (!match) return undefined;
  const factors: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, value, unit] of match[1].matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/gi)) {
    total += Number(value) * factors[unit.toLowerCase()];
  }
  return Math.round(total);
}

/**
 * `data: {"error":{...}}` inside a 200 stream. Classified as if the upstream had answered with the
 * matching status: a client error stays one, a rate limit is an overload, anything else is the
 * upstream's failure and retryable.
 */
export function openAiStreamError(
  provider: string,
  error: JsonObject,
  secrets: readonly (string | undefined)[],
): GatewayError {
  const code = openAiErrorCode(error);
  const type = optionalString(error.type);
  const raw = optionalString(error.message) || type || 'unknown error';
  const scrubbed = redactSecrets(raw, secrets);
  const text =
    scrubbed.length > MAX_MESSAGE_CHARS ? `${scrubbed.slice(0, MAX_MESSAGE_CHARS)}...` : scrubbed;
  const classified = upstreamError({
    provider,
    status: impliedStatus(type, code),
    message: text,
    upstreamCode: code,
  });
  return new GatewayError({
    ...classified,
    message: `Upstream ${provider} reported an error mid-stream: ${text}`,
    upstreamStatus: 200,
  });
}

function impliedStatus(type: string | undefined, code: string | undefined): number {
  if (code === 'context_length_exceeded' || type === 'invalid_request_error') return 400;
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error' || type === 'tokens') {
    return 429;
  }
  return 500;
}
