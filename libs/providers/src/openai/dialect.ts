/**
 * The small ways servers that speak the OpenAI Chat Completions wire differ from api.openai.com.
 * OpenAI itself, Azure OpenAI and the generic OpenAI-compatible servers each pick one of these.
 */
export interface OpenAiDialect {
  /** where `ChatRequest.maxTokens` goes */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** how a `developer` message is sent: as is, or as a `system` message for servers without the role */
  developerRole: 'developer' | 'system';
  /** send text-only content-part arrays as one string (servers that only take string content) */
  flattenTextParts: boolean;
  /** send `stream_options.include_usage` on streams (servers that reject unknown fields cannot) */
  streamUsageOption: boolean;
  /**
   * `[DONE]` is the only proof a stream finished. When false, a stream that sent a finish reason and
   * then ended cleanly is complete too (servers that omit `[DONE]`).
   */
  requireDone: boolean;
}

export const OPENAI_DIALECT: OpenAiDialect = {
  maxTokensField: 'max_completion_tokens',
  developerRole: 'developer',
  flattenTextParts: false,
  streamUsageOption: true,
  requireDone: true,
};
