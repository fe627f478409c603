import { redactSecrets, upstreamError, type GatewayError } from '@app/core';
import { parseDuration, type UpstreamErrorDetails } from '../transport';
import { isObject, optionalString, type JsonObject } from '../wire/json-guards';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

const CONTEXT_LENGTH =
  /input token count.*exceeds|exceeds the maximum number of tokens|context (length|window)|too many tokens|prompt is too long/i;

/**
 * Google's error body `{"error":{"code","message","status","details":[...]}}` (the non-SSE stream
 * method wraps it in an array). The retry wait is in a RetryInfo detail (`"retryDelay":"27s"`).
 * The code is, most specific first: `context_length_exceeded` for a prompt over the window,
 * `quota_exhausted` when a QuotaFailure names a per-day quota (waiting seconds will not help),
 * an ErrorInfo reason (e.g. API_KEY_INVALID), else the status (RESOURCE_EXHAUSTED, ...).
 */
export function parseGeminiError(body: unknown, status: number): UpstreamErrorDetails {
  const error = errorObject(body);
  if (!error) {
    const text = typeof body === 'string' ? body.trim() : '';
    return { message: text || `HTTP ${status}` };
  }
  const message = optionalString(error.message) || `HTTP ${status}`;
  const details = Array.isArray(error.details) ? error.details.filter(isObject) : [];
  const code = errorCode(message, optionalString(error.status), details);
  const parsed: UpstreamErrorDetails = { message, code, retryAfterMs: retryDelay(details) };
  // Gemini answers a bad key with 400: it is the gateway's credential, not the caller's request
  if (code === 'API_KEY_INVALID') parsed.status = 401;
  // a per-day quota does not lift by retrying in seconds
  if (code === 'quota_exhausted') parsed.retryable = false;
  return parsed;
}

function errorObject(body: unknown): JsonObject | undefined {
  const envelope: unknown = Array.isArray(body) ? body[0] : body;
  return isObject(envelope) && isObject(envelope.error) ? envelope.error : undefined;
}

function errorCode(
  message: string,
  status: string | undefined,
  details: JsonObject[],
): string | undefined {
  if (CONTEXT_LENGTH.test(message)) return 'context_length_exceeded';
  if (details.some(isPerDayQuotaFailure)) return 'quota_exhausted';
  const reason = details.find((detail) => detail['@type'] === ERROR_INFO)?.reason;
  return optionalString(reason) ?? status;
}

function isPerDayQuotaFailure(detail: JsonObject): boolean {
  if (detail['@type'] !== QUOTA_FAILURE || !Array.isArray(detail.violations)) return false;
  return detail.violations.some(
    (violation) =>
      isObject(violation) &&
      /PerDay/i.test(
        `${optionalString(violation.quotaId) ?? ''} ${optionalString(violation.quotaMetric) ?? ''}`,
      ),
  );
}

function retryDelay(details: JsonObject[]): number | undefined {
  const info = details.find((detail) => detail['@type'] === RETRY_INFO);
  return info ? parseDuration(info.retryDelay) : undefined;
}

/**
 * An `{"error":{...}}` event inside a 200 SSE stream (Gemini sends these when it fails mid-answer,
 * e.g. 503 UNAVAILABLE when the model is overloaded): the same error as that status would give.
 */
export function geminiStreamError(provider: string, body: JsonObject): GatewayError {
  const error = isObject(body.error) ? body.error : {};
  const status =
    typeof error.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : 500;
  const details = parseGeminiError(body, status);
  return upstreamError({
    provider,
    status,
    message: redactSecrets(details.message),
    upstreamCode: details.code,
    retryAfterMs: details.retryAfterMs,
  });
}
