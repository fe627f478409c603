import type { OpenAiDialect } from '../openai';

/**
 * The conservative subset of the OpenAI wire that vLLM, llama.cpp server, LM Studio, Ollama's
 * `/v1`, Groq, Together and the like accept:
 * - `max_tokens`: many servers do not know `max_completion_tokens` and would ignore the limit;
 * - `developer` messages go as `system`; text-only part arrays as one string;
 * - `stream_options.include_usage` is still sent (vLLM, llama.cpp and most hosted APIs honour it,
 *   the others ignore it), but a stream without a usage chunk is fine;
 * - a stream that sent its finish reason and then ended cleanly is complete without `[DONE]`
 *   (some servers omit it); one with neither is cut.
 */
export const OPENAI_COMPATIBLE_DIALECT: OpenAiDialect = {
  maxTokensField: 'max_tokens',
  developerRole: 'system',
  flattenTextParts: true,
  streamUsageOption: true,
  requireDone: false,
};
