import { Inject, Injectable, Logger } from '@nestjs/common';
import { Observable, from, switchMap } from 'rxjs';
import {
  ConversationStore,
  messagesForModel,
  type ConversationWithMessages,
  type StoredMessage,
} from '@app/conversations';
import {
  GatewayError,
  LlmClient,
  type ChatRequest,
  type RequestContext,
  type Usage,
} from '@app/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { sseEvent } from '@app/streaming';
import { PromptRegistry } from '@app/templates';
import { requestCostUsd } from '../http/request-cost';
import { conversationOwner } from './conversation-owner';
import { wireMessage } from './conversation-wire';
import { ConversationsService } from './conversations.service';
import type { PostMessageDto } from './dto/conversation.schema';

/** What a turn's request needs: the stored user turn and the chat request for the reply. */
interface PreparedTurn {
  conversation: ConversationWithMessages;
  userMessage: StoredMessage;
  request: ChatRequest;
}

/**
 * A user turn and the assistant's reply (the case study's flow): the user turn is stored first;
 * the history goes to the conversation's model, kept within its window by the route's context
 * policy (summarize when the route sets none); the reply is stored when complete, or marked
 * partial when the client went away or the upstream failed after some text.
 */
@Injectable()
export class ConversationReplies {
  private readonly logger = new Logger('Conversations');
  /** partial replies being saved, per conversation: the next turn waits for them (its history) */
  private readonly saving = new Map<string, Promise<void>>();

  constructor(
    @Inject(ConversationStore) private readonly store: ConversationStore,
    @Inject(LlmClient) private readonly llm: LlmClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly conversations: ConversationsService,
    private readonly prompts: PromptRegistry,
  ) {}

  /** The non-streaming reply: `{ user_message, message }` once the assistant turn is stored. */
  async reply(id: string, dto: PostMessageDto, context: RequestContext) {
    const turn = await this.prepare(id, dto, context);
    const response = await this.llm.complete(turn.request, context);
    context.meta.usage = response.usage;
    const stored = await this.store.appendMessage(id, conversationOwner(context), {
      role: 'assistant',
      content: response.message.content,
      status: 'complete',
      requestId: context.requestId,
      deployment: context.meta.deployment,
      usage: response.usage,
      finishReason: response.finishReason,
    });
    return { user_message: wireMessage(turn.userMessage), message: wireMessage(stored) };
  }

  /**
   * The streamed reply as SSE events for browsers: `delta` ({content}), `usage`, then `done` (the
   * stored assistant message) — or `error` ({error}) and no `done`. Returned synchronously; the
   * conversation is loaded and the user turn stored on subscribe, so a 404 or 400 is still a plain
   * HTTP error.
   */
  stream(id: string, dto: PostMessageDto, context: RequestContext): Observable<string> {
    return from(this.prepare(id, dto, context)).pipe(
      switchMap((turn) => this.streamReply(id, turn, context)),
    );
  }

  private streamReply(id: string, turn: PreparedTurn, context: RequestContext) {
    const owner = conversationOwner(context);
    return new Observable<string>((subscriber) => {
      let text = '';
      let usage: Usage | undefined;
      let finishReason: string | undefined;
      let settled = false;
      const savePartial = (why: string) => {
        settled = true;
        const saved = this.store
          .appendMessage(id, owner, {
            role: 'assistant',
            content: text,
            status: 'partial',
            requestId: context.requestId,
            deployment: context.meta.deployment,
            ...(usage ? { usage } : {}),
          })
          .then(
            () => undefined,
            (error: unknown) =>
              this.logger.error(`could not store the partial reply (${why}): ${String(error)}`),
          )
          .finally(() => {
            if (this.saving.get(id) === saved) this.saving.delete(id);
          });
        this.saving.set(id, saved);
      };
      const subscription = this.llm.stream(turn.request, context).subscribe({
        next: (chunk) => {
          const content = chunk.delta?.content;
          if (content) {
            text += content;
            subscriber.next(sseEvent('delta', { content }));
          }
          if (chunk.finishReason) finishReason = chunk.finishReason;
          if (chunk.usage) {
            usage = chunk.usage;
            context.meta.usage = usage;
            subscriber.next(
              sseEvent('usage', {
                input_tokens: usage.inputTokens,
                output_tokens: usage.outputTokens,
                total_tokens: usage.totalTokens,
                // the whole turn's cost: every attempt and the summaries made for it
                ...costField(context),
                ...(usage.estimated ? { estimated: true } : {}),
              }),
            );
          }
        },
        error: (error: unknown) => {
          context.meta.streamOutcome =
            error instanceof GatewayError && error.code === 'upstream_stream_cut'
              ? 'cut'
              : error instanceof GatewayError && error.code === 'client_closed_request'
                ? 'cancelled'
                : 'error';
          if (text !== '') savePartial('upstream failure');
          else settled = true;
          subscriber.error(error);
        },
        complete: () => {
          settled = true;
          context.meta.streamOutcome = 'completed';
          this.store
            .appendMessage(id, owner, {
              role: 'assistant',
              content: text,
              status: 'complete',
              requestId: context.requestId,
              deployment: context.meta.deployment,
              ...(usage ? { usage } : {}),
              ...(finishReason ? { finishReason } : {}),
            })
            .then(
              (stored) => {
                subscriber.next(
                  sseEvent('done', {
                    user_message: wireMessage(turn.userMessage),
                    message: wireMessage(stored),
                  }),
                );
                subscriber.complete();
              },
              (error: unknown) => subscriber.error(error),
            );
        },
      });
      return () => {
        subscription.unsubscribe();
        // the client went away mid-reply: keep what it was shown, marked partial
        if (!settled) savePartial('client gone');
      };
    });
  }

  /** A conversation started from a template: its name, pinned version and hash go with each turn. */
  private notePrompt(conversation: ConversationWithMessages, context: RequestContext): void {
    const ref = conversation.prompt;
    if (ref === undefined || ref.version === undefined) return;
    try {
      const version = this.prompts.resolve(ref.name, { version: Number(ref.version) });
      context.meta.prompt = { name: ref.name, version: version.version, hash: version.hash };
      if (ref.label !== undefined) context.meta.prompt.label = ref.label;
    } catch {
      // the version's file is gone: the turn goes on with the system prompt stored at creation
    }
  }

  private async prepare(
    id: string,
    dto: PostMessageDto,
    context: RequestContext,
  ): Promise<PreparedTurn> {
    const limit = this.config.conversations.maxMessageChars;
    if (dto.content.length > limit) {
      throw GatewayError.invalidRequest(
        `content is ${dto.content.length} characters; at most ${limit} are accepted.`,
        'content',
      );
    }
    // a reply cut a moment ago belongs before this turn (stop, then ask again)
    await this.saving.get(id);
    const conversation = await this.conversations.load(id, context);
    const userMessage = await this.store.appendMessage(id, conversationOwner(context), {
      role: 'user',
      content: dto.content,
      requestId: context.requestId,
    });
    conversation.messages.push(userMessage);
    const request: ChatRequest = {
      model: conversation.model ?? this.config.conversations.defaultModel,
      messages: messagesForModel(conversation),
      includeUsage: true,
    };
    if (dto.max_tokens !== undefined) request.maxTokens = dto.max_tokens;
    if (dto.temperature !== undefined) request.temperature = dto.temperature;
    // a route without its own `context` keeps conversations within its window by summarising
    context.contextOptions = { options: this.config.conversations.context };
    this.notePrompt(conversation, context);
    return { conversation, userMessage, request };
  }
}

/** `{ cost_usd }` when the turn's cost is known (every attempt priced). */
function costField(context: RequestContext): { cost_usd?: number } {
  const cost = requestCostUsd(context);
  return cost === undefined ? {} : { cost_usd: Number(cost) };
}
