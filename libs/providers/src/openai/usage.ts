import { makeUsage, type Usage } from '@app/core';
import { count, isObject } from '../wire/json-guards';

/**
 * `usage` of a response or of the last stream chunk. `prompt_tokens` already includes the cached
 * ones and `completion_tokens` the reasoning ones, which is the gateway's convention too.
 * Returns undefined when the body has no usage object.
 */
export function fromOpenAiUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const prompt = isObject(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const completion = isObject(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  return makeUsage(count(raw.prompt_tokens), count(raw.completion_tokens), {
    cachedInputTokens: count(prompt.cached_tokens),
    reasoningTokens: count(completion.reasoning_tokens),
  });
}

/**
 * What a response without usage reports: zeros flagged `estimated`, so the gateway counts the
 * tokens itself (some OpenAI-compatible servers send no usage at all).
 */
export function unreportedUsage(): Usage {
  return makeUsage(0, 0, { estimated: true });
}
