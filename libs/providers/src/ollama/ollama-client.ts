import { defer, type Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse, LlmClient, RequestContext } from '@app/core';
import type { ProviderConfig } from '../provider-config';
import { mapWireStream, providerTransport, type HttpTransport } from '../transport';
import { parseOllamaError } from './errors';
import { toOllamaRequest } from './request';
import { fromOllamaResponse } from './response';
import { ollamaStreamMapper } from './stream';

export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';
const CHAT_PATH = '/api/chat';

/**
 * Ollama's native chat API. Ollama has no authentication; an API key, when configured, is sent as a
 * bearer token for the proxies that put one in front of it.
 */
export class OllamaClient implements LlmClient {
  private readonly transport: HttpTransport;

  constructor(private readonly config: ProviderConfig) {
    this.transport = providerTransport(config, {
      defaultBaseUrl: OLLAMA_DEFAULT_BASE_URL,
      headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
      parseErrorBody: parseOllamaError,
    });
  }

  async complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const body = await this.transport.postJson({
      path: CHAT_PATH,
      body: toOllamaRequest(request, { stream: false }),
      context,
    });
    return fromOllamaResponse(body, { provider: this.config.name, model: request.model });
  }

  /** Cold; a request Ollama cannot take (e.g. an image URL) errors the stream, never throws. */
  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    return defer(() =>
      this.transport
        .postStream(
          { path: CHAT_PATH, body: toOllamaRequest(request, { stream: true }), context },
          'ndjson',
        )
        .pipe(mapWireStream(ollamaStreamMapper(this.config.name))),
    );
  }
}
