import type { ProviderConfig } from '../provider-config';
import { OpenAiChatClient } from './chat-client';
import { OPENAI_DIALECT } from './dialect';
import { parseOpenAiError } from './errors';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** api.openai.com: `POST {baseUrl}/chat/completions` with `Authorization: Bearer <apiKey>`. */
export class OpenAiClient extends OpenAiChatClient {
  constructor(config: ProviderConfig) {
    super(
      { ...config, baseUrl: config.baseUrl ?? OPENAI_DEFAULT_BASE_URL },
      {
        dialect: OPENAI_DIALECT,
        authHeaders: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
        path: () => '/chat/completions',
        parseErrorBody: parseOpenAiError,
      },
    );
  }
}
