import type { Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse } from './chat';
import type { RequestContext } from './context';

/**
 * The one interface every model call goes through (paper 5.1). Provider adapters implement it for
 * one upstream; the GatewayClient implements it over all of them with routing and resilience.
 *
 * `complete` rejects with a GatewayError. `stream` is cold: nothing is sent upstream until it is
 * subscribed, unsubscribing aborts the upstream request, and it errors with a GatewayError.
 */
export interface LlmClient {
  complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse>;
  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk>;
}

export const LlmClient = Symbol('LlmClient');
