import type { ProviderConfig } from '../provider-config';
import { OpenAiChatClient } from '../openai';
import { OPENAI_COMPATIBLE_DIALECT } from './dialect';
import { parseOpenAiCompatibleError } from './errors';

/**
 * Any server speaking the OpenAI Chat Completions wire (vLLM, llama.cpp server, LM Studio, Groq,
 * Together ...): `POST {baseUrl}/chat/completions`, `Authorization: Bearer <apiKey>` only when a key
 * is configured. A response without usage reports zeros flagged `estimated`, and the gateway
 * counts the tokens itself.
 */
export class OpenAiCompatibleClient extends OpenAiChatClient {
  constructor(config: ProviderConfig) {
    super(config, {
      dialect: OPENAI_COMPATIBLE_DIALECT,
      authHeaders: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
      path: () => '/chat/completions',
      parseErrorBody: parseOpenAiCompatibleError,
    });
  }
}
