export interface ModelLimits {
  /** prompt + completion tokens the model accepts */
  contextWindow: number;
  /** the most tokens the model generates in one response */
  maxOutputTokens: number;
}

const K = 1024;

/**
 * Known limits by model name (the provider's own spelling, lower case). Dated snapshots and
 * tags resolve by prefix (`lookupModel`), so only families and the variants whose limits differ
 * are listed. Sources: OpenAI's model pages (as captured in gpt-tokenizer 4.0.0's
 * `models.gen.ts`), Anthropic's and Google's model overviews, and the model cards of the
 * open-weight models.
 *
 * Open-weight models (Ollama, vLLM) list the window the model was trained for. Ollama serves
 * a smaller `num_ctx` unless configured (2048 or 4096 tokens depending on its version) and cuts
 * longer prompts silently: set the deployment's `contextWindow` to the server's setting.
 */
export const MODEL_CATALOG: Readonly<Record<string, ModelLimits>> = {
  // OpenAI
  'gpt-3.5-turbo': { contextWindow: 16_385, maxOutputTokens: 4_096 },
  'gpt-3.5-turbo-instruct': { contextWindow: 4_096, maxOutputTokens: 4_096 },
  'gpt-4': { contextWindow: 8_192, maxOutputTokens: 8_192 },
  'gpt-4-32k': { contextWindow: 32_768, maxOutputTokens: 8_192 },
  'gpt-4-turbo': { contextWindow: 128_000, maxOutputTokens: 4_096 },
  'gpt-4-0125-preview': { contextWindow: 128_000, maxOutputTokens: 4_096 },
  'gpt-4-1106-preview': { contextWindow: 128_000, maxOutputTokens: 4_096 },
  'gpt-4o': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4o-2024-05-13': { contextWindow: 128_000, maxOutputTokens: 4_096 },
  'gpt-4o-mini': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4o-realtime-preview': { contextWindow: 32_000, maxOutputTokens: 4_096 },
  'gpt-4o-mini-realtime-preview': { contextWindow: 16_000, maxOutputTokens: 4_096 },
  'chatgpt-4o': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4.1': { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'gpt-4.1-mini': { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'gpt-4.1-nano': { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  'gpt-4.5-preview': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  o1: { contextWindow: 200_000, maxOutputTokens: 100_000 },
  'o1-mini': { contextWindow: 128_000, maxOutputTokens: 65_536 },
  'o1-preview': { contextWindow: 128_000, maxOutputTokens: 32_768 },
  'o1-pro': { contextWindow: 200_000, maxOutputTokens: 100_000 },
  o3: { contextWindow: 200_000, maxOutputTokens: 100_000 },
  'o3-mini': { contextWindow: 200_000, maxOutputTokens: 100_000 },
  'o3-pro': { contextWindow: 200_000, maxOutputTokens: 100_000 },
  'o4-mini': { contextWindow: 200_000, maxOutputTokens: 100_000 },
  'gpt-5': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-mini': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-nano': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-pro': { contextWindow: 400_000, maxOutputTokens: 272_000 },
  'gpt-5-codex': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5-chat': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-5.1': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5.1-chat': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-5.2': { contextWindow: 400_000, maxOutputTokens: 128_000 },
  'gpt-5.2-chat': { contextWindow: 128_000, maxOutputTokens: 16_384 },

  // Anthropic
  'claude-3-haiku': { contextWindow: 200_000, maxOutputTokens: 4_096 },
  'claude-3-sonnet': { contextWindow: 200_000, maxOutputTokens: 4_096 },
  'claude-3-opus': { contextWindow: 200_000, maxOutputTokens: 4_096 },
  'claude-3-5-haiku': { contextWindow: 200_000, maxOutputTokens: 8_192 },
  'claude-3-5-sonnet': { contextWindow: 200_000, maxOutputTokens: 8_192 },
  'claude-3-7-sonnet': { contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-sonnet-4': { contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-sonnet-4-5': { contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-opus-4': { contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-opus-4-1': { contextWindow: 200_000, maxOutputTokens: 32_000 },
  'claude-opus-4-5': { contextWindow: 200_000, maxOutputTokens: 64_000 },
  'claude-haiku-4-5': { contextWindow: 200_000, maxOutputTokens: 64_000 },

  // Google Gemini
  'gemini-1.5-pro': { contextWindow: 2_097_152, maxOutputTokens: 8_192 },
  'gemini-1.5-flash': { contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  'gemini-1.5-flash-8b': { contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  'gemini-2.0-flash': { contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  'gemini-2.0-flash-lite': { contextWindow: 1_048_576, maxOutputTokens: 8_192 },
  'gemini-2.5-pro': { contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash': { contextWindow: 1_048_576, maxOutputTokens: 65_536 },
  'gemini-2.5-flash-lite': { contextWindow: 1_048_576, maxOutputTokens: 65_536 },

  // open-weight models (Ollama tags, Hugging Face names)
  llama3: { contextWindow: 8 * K, maxOutputTokens: 4 * K },
  'llama3.1': { contextWindow: 128 * K, maxOutputTokens: 8 * K },
  'llama3.2': { contextWindow: 128 * K, maxOutputTokens: 8 * K },
  'llama3.3': { contextWindow: 128 * K, maxOutputTokens: 8 * K },
  mistral: { contextWindow: 32 * K, maxOutputTokens: 8 * K },
  'mistral-nemo': { contextWindow: 128 * K, maxOutputTokens: 8 * K },
  'mistral-small': { contextWindow: 32 * K, maxOutputTokens: 8 * K },
  'mistral-large': { contextWindow: 128 * K, maxOutputTokens: 8 * K },
  mixtral: { contextWindow: 32 * K, maxOutputTokens: 8 * K },
  'qwen2.5': { contextWindow: 32 * K, maxOutputTokens: 8 * K },
  'qwen2.5-coder': { contextWindow: 32 * K, maxOutputTokens: 8 * K },
  gemma2: { contextWindow: 8 * K, maxOutputTokens: 4 * K },
  gemma3: { contextWindow: 128 * K, maxOutputTokens: 8 * K },
};
