/**
 * Token usage of one upstream call.
 * `inputTokens` counts every prompt token, cached or not (OpenAI's convention); for Anthropic it is
 * input + cache read + cache creation. `cachedInputTokens` and `cacheWriteTokens` are subsets of it.
 * `reasoningTokens` is a subset of `outputTokens`.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** true when the numbers were counted by the gateway, not reported by the provider */
  estimated?: boolean;
}

export function makeUsage(
  inputTokens: number,
  outputTokens: number,
  extra: Omit<Usage, 'inputTokens' | 'outputTokens' | 'totalTokens'> = {},
): Usage {
  const usage: Usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  for (const [key, value] of Object.entries(extra) as [keyof typeof extra, number | boolean][]) {
    if (value !== undefined && value !== 0 && value !== false) {
      (usage as unknown as Record<string, number | boolean>)[key] = value;
    }
  }
  return usage;
}
