import { GatewayError, type FinishReason } from '@app/core';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

export interface FinishInput {
  provider: string;
  /** Gemini's `finishReason` */
  reason: string;
  /** the answer (so far, for streams) carries text */
  hasText: boolean;
  /** the answer (so far, for streams) carries function calls */
  hasToolCalls: boolean;
}

/**
 * Gemini's finishReason to the neutral one.
 * - STOP: `tool_calls` when the answer has function calls (Gemini says STOP for those), else `stop`.
 * - MAX_TOKENS: `length`.
 * - SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII and the IMAGE_* filters: `content_filter`.
 * - Anything else (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, LANGUAGE,
 *   OTHER, FINISH_REASON_UNSPECIFIED, reasons added later) is an abnormal end. With content it is
 *   reported as `stop` (`tool_calls` with calls) so the caller keeps what it got; with no content
 *   at all it is a retryable upstream error: a silent empty `stop` would hide a failure that another
 *   attempt usually fixes (a malformed function call is a sampling accident).
 */
export function geminiFinishReason(input: FinishInput): FinishReason {
  const { reason, hasText, hasToolCalls } = input;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  if (reason !== 'STOP' && !hasText && !hasToolCalls) throw abnormalFinish(input);
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** Gemini's finishMessage is left out: it can quote the conversation, which logs must not get. */
function abnormalFinish({ provider, reason }: FinishInput): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'upstream_error',
    message: `Upstream ${provider} finished with ${reason} and no content.`,
    provider,
    retryable: true,
  });
}
