import type { FinishReason } from '@app/core';

/**
 * Anthropic `stop_reason` -> the gateway's finish reason:
 * - end_turn, stop_sequence: a normal stop;
 * - max_tokens, model_context_window_exceeded: the output was cut by a token limit;
 * - tool_use: the model wants tool results;
 * - refusal: the safety classifiers stopped the answer;
 * - pause_turn: a server-tool loop paused; the turn is complete as far as the caller can act on it;
 * - null or a reason added after this was written: treated as a normal stop.
 */
export function mapAnthropicStopReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
