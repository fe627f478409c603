import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import {
  LlmClient,
  GatewayError,
  type ChatChunk,
  type ChatRequest,
  type RequestContext,
} from '@app/core';
import { SSE_DONE, sseData } from '@app/streaming';
import { usageExtras } from '../http/request-cost';
import type { ChatCompletionRequestDto } from './dto/chat-completion.dto';
import { toChatRequest } from './openai-request';
import {
  newCompletionIdentity,
  toOpenAiChunk,
  toOpenAiCompletion,
  toOpenAiUsageChunk,
  type OpenAiCompletion,
} from './openai-response';

/** The OpenAI Chat Completions use case over the injected LlmClient. */
@Injectable()
export class ChatCompletionsService {
  constructor(@Inject(LlmClient) private readonly llm: LlmClient) {}

  async complete(
    dto: ChatCompletionRequestDto,
    context: RequestContext,
  ): Promise<OpenAiCompletion> {
    return this.completeRequest(toChatRequest(dto), context);
  }

  /** A request already in the gateway's terms (e.g. rendered from a prompt template). */
  async completeRequest(request: ChatRequest, context: RequestContext): Promise<OpenAiCompletion> {
    const identity = newCompletionIdentity(request.model);
    const response = await this.llm.complete(request, context);
    context.meta.usage = response.usage;
    return toOpenAiCompletion(response, identity, usageExtras(context));
  }

  /**
   * The stream as OpenAI SSE frames: chunks, the usage chunk when asked for, then `[DONE]` only
   * after a clean finish. A failure errors the Observable (the responder renders it: a plain HTTP
   * error before the first frame, an error frame and no `[DONE]` after it).
   * Request mapping errors (400) throw synchronously, before any response is started.
   */
  stream(dto: ChatCompletionRequestDto, context: RequestContext): Observable<string> {
    return this.streamRequest(toChatRequest(dto), context);
  }

  streamRequest(request: ChatRequest, context: RequestContext): Observable<string> {
    const includeUsage = request.includeUsage === true;
    const identity = newCompletionIdentity(request.model);
    const upstream = this.llm.stream(request, context);

    return new Observable<string>((subscriber) => {
      let sentRole = false;
      const subscription = upstream.subscribe({
        next: (chunk: ChatChunk) => {
          if (chunk.usage) context.meta.usage = chunk.usage;
          if (chunk.delta || chunk.finishReason) {
            const withRole: ChatChunk =
              sentRole || !chunk.delta
                ? chunk
                : { ...chunk, delta: { ...chunk.delta, role: 'assistant' } };
            if (chunk.delta) sentRole = true;
            subscriber.next(sseData(toOpenAiChunk(withRole, identity, includeUsage)));
          }
          if (chunk.usage && includeUsage) {
            subscriber.next(
              sseData(toOpenAiUsageChunk(chunk.usage, identity, usageExtras(context))),
            );
          }
        },
        error: (error: unknown) => {
          context.meta.streamOutcome = streamOutcomeOf(error);
          subscriber.error(error);
        },
        complete: () => {
          context.meta.streamOutcome = 'completed';
          subscriber.next(SSE_DONE);
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
  }
}

/** How a failed stream ended: cut by the upstream, cancelled by the caller, or another error. */
function streamOutcomeOf(error: unknown): 'cut' | 'cancelled' | 'error' {
  if (!(error instanceof GatewayError)) return 'error';
  if (error.code === 'upstream_stream_cut') return 'cut';
  return error.code === 'client_closed_request' ? 'cancelled' : 'error';
}
