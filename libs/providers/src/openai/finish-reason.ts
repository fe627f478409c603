import type { FinishReason } from '@app/core';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  // the legacy function-calling API
  function_call: 'tool_calls',
  // names some OpenAI-compatible servers use
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_length: 'length',
  tool_use: 'tool_calls',
};

/**
 * Maps a `finish_reason` to the gateway's four. An unknown or missing reason is a normal stop,
 * or `tool_calls` when the message carries tool calls.
 */
export function toFinishReason(raw: unknown, hasToolCalls: boolean): FinishReason {
  const known = typeof raw === 'string' ? FINISH_REASONS[raw] : undefined;
  return known ?? (hasToolCalls ? 'tool_calls' : 'stop');
}
