import { defer, type Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse, LlmClient, RequestContext } from '@app/core';
import type { ProviderConfig } from '../provider-config';
import { mapWireStream, providerTransport, type HttpTransport } from '../transport';
import {
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_VERSION,
  ANTHROPIC_MESSAGES_PATH,
} from './defaults';
import { parseAnthropicError } from './errors';
import { toAnthropicRequest } from './request';
import { fromAnthropicResponse } from './response';
import { anthropicStreamMapper } from './stream';

/** LlmClient over the Anthropic Messages API (POST {baseUrl}/v1/messages). */
export class AnthropicClient implements LlmClient {
  private readonly transport: HttpTransport;

  constructor(private readonly config: ProviderConfig) {
    const auth: Record<string, string> = config.apiKey ? { 'x-api-key': config.apiKey } : {};
    this.transport = providerTransport(config, {
      defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
      headers: {
        ...auth,
        'anthropic-version': config.anthropicVersion ?? ANTHROPIC_DEFAULT_VERSION,
      },
      parseErrorBody: parseAnthropicError,
    });
  }

  async complete(req: ChatRequest, ctx: RequestContext): Promise<ChatResponse> {
    const body = toAnthropicRequest(req, { stream: false });
    const wire = await this.transport.postJson({
      path: ANTHROPIC_MESSAGES_PATH,
      body,
      context: ctx,
    });
    return fromAnthropicResponse(wire, this.config.name);
  }

  stream(req: ChatRequest, ctx: RequestContext): Observable<ChatChunk> {
    // defer: a request that cannot be mapped fails the subscription, never the call itself
    return defer(() =>
      this.transport.postStream(
        {
          path: ANTHROPIC_MESSAGES_PATH,
          body: toAnthropicRequest(req, { stream: true }),
          context: ctx,
        },
        'sse',
      ),
    ).pipe(mapWireStream(anthropicStreamMapper(this.config.name, [this.config.apiKey])));
  }
}
