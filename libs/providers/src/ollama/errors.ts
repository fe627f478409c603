import { redactSecrets, upstreamError, type GatewayError } from '@app/core';
import type { UpstreamErrorDetails } from '../transport';
import { isObject } from '../wire/json-guards';

const CONTEXT_LENGTH =
  /context (length|window)|too many tokens|prompt is too long|exceeds.*context/i;

/**
 * Ollama's error body is `{"error":"<message>"}` (unknown routes answer plain `404 page not found`).
 * The code: `context_length_exceeded` for a prompt over the window, `model_not_found` for a model
 * that is not pulled.
 */
export function parseOllamaError(body: unknown, status: number): UpstreamErrorDetails {
  const text = isObject(body) && typeof body.error === 'string' ? body.error : body;
  const message = typeof text === 'string' && text.trim() ? text.trim() : `HTTP ${status}`;
  return { message, code: errorCode(message, status) };
}

function errorCode(message: string, status: number): string | undefined {
  if (CONTEXT_LENGTH.test(message)) return 'context_length_exceeded';
  if (status === 404 && /model .*not found/i.test(message)) return 'model_not_found';
  return undefined;
}

/**
 * An `{"error":"..."}` line inside a 200 stream (the runner failed mid-answer): a retryable upstream
 * server error.
 */
export function ollamaStreamError(provider: string, message: string): GatewayError {
  const details = parseOllamaError({ error: message }, 500);
  return upstreamError({
    provider,
    status: 500,
    message: redactSecrets(details.message),
    upstreamCode: details.code,
  });
}
