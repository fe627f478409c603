import { defer, type Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse, LlmClient, RequestContext } from '@app/core';
import type { ProviderConfig } from '../provider-config';
import { mapWireStream, providerTransport, type HttpTransport } from '../transport';
import { parseGeminiError } from './errors';
import { geminiModelPath, toGeminiRequest } from './request';
import { fromGeminiResponse } from './response';
import { geminiStreamMapper } from './stream';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** Google Gemini API (`generateContent`); the key goes in `x-goog-api-key`, never in the URL. */
export class GeminiClient implements LlmClient {
  private readonly transport: HttpTransport;

  constructor(private readonly config: ProviderConfig) {
    this.transport = providerTransport(config, {
      defaultBaseUrl: GEMINI_DEFAULT_BASE_URL,
      headers: config.apiKey ? { 'x-goog-api-key': config.apiKey } : {},
      parseErrorBody: parseGeminiError,
    });
  }

  async complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const body = await this.transport.postJson({
      path: geminiModelPath(request.model, false),
      body: toGeminiRequest(request),
      context,
    });
    return fromGeminiResponse(body, { provider: this.config.name, model: request.model });
  }

  /** Cold; a request Gemini cannot take (e.g. a bad image URL) errors the stream, never throws. */
  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    return defer(() =>
      this.transport
        .postStream(
          {
            path: geminiModelPath(request.model, true),
            body: toGeminiRequest(request),
            context,
          },
          'sse',
        )
        .pipe(mapWireStream(geminiStreamMapper(this.config.name))),
    );
  }
}
