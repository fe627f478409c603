import type { Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse, LlmClient, RequestContext } from '@app/core';
import type { ProviderConfig } from '../provider-config';
import {
  mapWireStream,
  providerTransport,
  type ErrorBodyParser,
  type HttpTransport,
} from '../transport';
import type { OpenAiDialect } from './dialect';
import { toOpenAiRequest } from './request';
import { fromOpenAiResponse } from './response';
import { openAiStreamMapper } from './stream';

/** How one server family is reached over the Chat Completions wire. */
export interface OpenAiEndpoint {
  dialect: OpenAiDialect;
  /** auth headers (the config's extra headers are added, and win) */
  authHeaders: Record<string, string>;
  /** the request path below the base URL, with its query string */
  path(req: ChatRequest): string;
  parseErrorBody: ErrorBodyParser;
}

/**
 * An LlmClient over the Chat Completions wire. OpenAI, Azure OpenAI and OpenAI-compatible servers
 * are this client with their own endpoint description.
 */
export class OpenAiChatClient implements LlmClient {
  private readonly transport: HttpTransport;

  constructor(
    private readonly config: ProviderConfig,
    private readonly endpoint: OpenAiEndpoint,
  ) {
    this.transport = providerTransport(config, {
      headers: endpoint.authHeaders,
      parseErrorBody: endpoint.parseErrorBody,
    });
  }

  async complete(req: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const body = await this.transport.postJson({
      path: this.endpoint.path(req),
      body: toOpenAiRequest(req, { stream: false, dialect: this.endpoint.dialect }),
      context,
    });
    return fromOpenAiResponse(body, { provider: this.config.name, requestedModel: req.model });
  }

  stream(req: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    const call = {
      path: this.endpoint.path(req),
      body: toOpenAiRequest(req, { stream: true, dialect: this.endpoint.dialect }),
      context,
    };
    return this.transport.postStream(call, 'sse').pipe(
      mapWireStream(
        openAiStreamMapper({
          provider: this.config.name,
          requireDone: this.endpoint.dialect.requireDone,
          secrets: [this.config.apiKey],
        }),
      ),
    );
  }
}
