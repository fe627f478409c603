import { makeUsage, type Usage } from '@app/core';
import { isObject, count } from '../wire/json-guards';

/** Anthropic's token counts as reported so far (a stream reports them in two events). */
export interface AnthropicTokenCounts {
  /** uncached input only: Anthropic's `input_tokens` excludes cache reads and writes */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** `output_tokens_details.thinking_tokens`, a subset of `output` */
  thinking: number;
}

export const NO_TOKENS: AnthropicTokenCounts = {
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  thinking: 0,
};

/**
 * Reads a wire `usage` object over `base`: fields that are absent or null keep their value in
 * `base` (message_delta may repeat the input counts, or send null for them).
 */
export function readTokenCounts(usage: unknown, base: AnthropicTokenCounts): AnthropicTokenCounts {
  if (!isObject(usage)) return base;
  const pick = (key: string, fallback: number) =>
    typeof usage[key] === 'number' ? count(usage[key]) : fallback;
  const details = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input: pick('input_tokens', base.input),
    cacheRead: pick('cache_read_input_tokens', base.cacheRead),
    cacheWrite: pick('cache_creation_input_tokens', base.cacheWrite),
    output: pick('output_tokens', base.output),
    thinking:
      typeof details.thinking_tokens === 'number' ? count(details.thinking_tokens) : base.thinking,
  };
}

/** The gateway's Usage: `inputTokens` is every prompt token, cache reads and writes included. */
export function toUsage(counts: AnthropicTokenCounts): Usage {
  return makeUsage(counts.input + counts.cacheRead + counts.cacheWrite, counts.output, {
    cachedInputTokens: counts.cacheRead,
    cacheWriteTokens: counts.cacheWrite,
    reasoningTokens: counts.thinking,
  });
}
