import type { UpstreamErrorDetails } from '../transport';
import { openAiErrorObject, parseOpenAiError } from '../openai';

/**
 * How OpenAI-compatible servers word a prompt that does not fit, when they send no
 * `context_length_exceeded` code: vLLM ("This model's maximum context length is ..."), llama.cpp
 * ("the request exceeds the available context size"), TGI/Together ("`inputs` tokens +
 * `max_new_tokens` must be <= ..."), LM Studio ("... context length of only N tokens").
 */
const CONTEXT_LENGTH_MESSAGE =
  /maximum context length|context length exceeded|exceeds? the (?:available )?context|context (?:size|window|length of only)|max_new_tokens`? must be <=/i;

const CLIENT_ERROR_STATUSES = new Set([400, 413, 422]);

/** parseOpenAiError, plus context-length errors recognised by their wording or llama.cpp's type. */
export function parseOpenAiCompatibleError(body: unknown, status: number): UpstreamErrorDetails {
  const details = parseOpenAiError(body, status);
  if (
    details.code === undefined &&
    CLIENT_ERROR_STATUSES.has(status) &&
    (CONTEXT_LENGTH_MESSAGE.test(details.message) ||
      openAiErrorObject(body)?.type === 'exceed_context_size_error')
  ) {
    details.code = 'context_length_exceeded';
  }
  return details;
}
