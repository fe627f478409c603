import { GatewayError, redactSecrets, upstreamError } from '@app/core';
import type { UpstreamErrorDetails } from '../transport';
import { isObject, optionalString } from '../wire/json-guards';

/**
 * Anthropic error bodies: `{"type":"error","error":{"type":"overloaded_error","message":"..."},
 * "request_id":"req_..."}`. The error `type` is the upstream code, except:
 * - a prompt over the model's window (`prompt is too long: ...`, `input length and max_tokens
 *   exceed context limit: ...`) is `context_length_exceeded`, so the gateway can fall back to a
 *   larger window;
 * - a 429 caused by the monthly spend limit carries `error.details.error_code`
 *   (`enforced_spend_limit_reached`), which is more precise than `rate_limit_error`.
 * Anthropic puts no retry delay in the body: the wait is the `retry-after` header, which the
 * transport reads.
 */
export function parseAnthropicError(body: unknown, status: number): UpstreamErrorDetails {
  if (typeof body === 'string') return { message: body.trim() || `HTTP ${status}` };
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (!error) return { message: `HTTP ${status}` };
  const type = optionalString(error.type);
  const message = optionalString(error.message) ?? type ?? `HTTP ${status}`;
  const code = anthropicErrorCode(type, message, error.details);
  // a spend limit lifts at the end of the billing period, not after a retry
  return code === 'enforced_spend_limit_reached'
    ? { message, code, retryable: false }
    : { message, code };
}

const CONTEXT_LENGTH_MESSAGES = [
  /prompt is too long/i,
  /exceed(s|ed)? (the )?(model's )?context (limit|window)/i,
];

function anthropicErrorCode(
  type: string | undefined,
  message: string,
  details: unknown,
): string | undefined {
  if (type === 'invalid_request_error' && CONTEXT_LENGTH_MESSAGES.some((re) => re.test(message))) {
    return 'context_length_exceeded';
  }
  const detailCode = isObject(details) ? optionalString(details.error_code) : undefined;
  return detailCode ?? type;
}

/** The HTTP status Anthropic gives each error type (docs: API errors). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * An `error` event inside an HTTP 200 stream (e.g. the API overloaded mid-answer), as the
 * GatewayError the same error would have been as an HTTP status: overloaded_error has 529
 * semantics (retryable, code `overloaded_error`), api_error 500 semantics, and so on; an unknown
 * type counts as api_error.
 */
export function anthropicStreamError(
  provider: string,
  data: unknown,
  secrets: readonly (string | undefined)[] = [],
): GatewayError {
  const details = parseAnthropicError(data, 500);
  const type = isObject(data) && isObject(data.error) ? optionalString(data.error.type) : undefined;
  const status = STATUS_OF_TYPE[type ?? ''] ?? 500;
  const message = redactSecrets(details.message, secrets);
  const mapped = upstreamError({ provider, status, message, upstreamCode: details.code });
  return new GatewayError({
    status: mapped.status,
    type: mapped.type,
    code: mapped.code,
    message: `Upstream ${provider} stream failed (${type ?? 'error'}): ${message}`,
    param: mapped.param,
    retryable: mapped.retryable,
    retryAfterMs: mapped.retryAfterMs,
    upstreamStatus: status,
    provider,
  });
}
