import type { ProviderConfig } from '../provider-config';
import { OpenAiChatClient } from '../openai';
import { AZURE_OPENAI_DEFAULT_API_VERSION, azureChatPath, azureOpenAiDialect } from './dialect';
import { parseAzureOpenAiError } from './errors';

/**
 * Azure OpenAI: `POST {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=...`
 * with an `api-key` header. `baseUrl` is the resource endpoint (`https://<resource>.openai.azure.com`);
 * the request's model is the Azure deployment name. Without an apiKey, auth comes from the config's
 * headers (e.g. `Authorization: Bearer <Entra token>`).
 */
export class AzureOpenAiClient extends OpenAiChatClient {
  constructor(config: ProviderConfig) {
    const apiVersion = config.apiVersion ?? AZURE_OPENAI_DEFAULT_API_VERSION;
    super(config, {
      dialect: azureOpenAiDialect(apiVersion),
      authHeaders: config.apiKey ? { 'api-key': config.apiKey } : {},
      path: (req) => azureChatPath(req.model, apiVersion),
      parseErrorBody: parseAzureOpenAiError,
    });
  }
}
