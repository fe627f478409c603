import { Inject, Injectable } from '@nestjs/common';
import {
  ConversationStore,
  conversationNotFound,
  type ConversationWithMessages,
  type CreateConversationInput,
} from '@app/conversations';
import { GatewayError, messageText, type Message, type RequestContext } from '@app/core';
import { GATEWAY_CONFIG, Router, type GatewayConfig } from '@app/gateway';
import { PromptRegistry } from '@app/templates';
import { conversationOwner } from './conversation-owner';
import { wireConversation, wireConversationWithMessages } from './conversation-wire';
import type { CreateConversationDto, ListConversationsQuery } from './dto/conversation.schema';

/** Conversations with server-side history: create, read, list, delete. Replies: ConversationReplies. */
@Injectable()
export class ConversationsService {
  constructor(
    @Inject(ConversationStore) private readonly store: ConversationStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly router: Router,
    private readonly prompts: PromptRegistry,
  ) {}

  /**
   * A new conversation. With `prompt`, the template's leading system (and developer) messages,
   * rendered once with the given variables, become the conversation's system prompt, and its
   * version is pinned (a label is resolved now, so the conversation never changes version midway);
   * the template's model is the default. The template's own user turn is not used: the user turns
   * are the conversation's, so a `message` variable the template requires is filled with a
   * placeholder. Without `prompt`: `system` as given and the configured default model.
   */
  async create(dto: CreateConversationDto, context: RequestContext) {
    const input: CreateConversationInput = { owner: conversationOwner(context) };
    if (dto.prompt !== undefined && dto.system !== undefined) {
      throw GatewayError.invalidRequest(
        'Give either system or prompt: a template supplies the system prompt.',
        'system',
      );
    }
    let model = dto.model;
    if (dto.prompt !== undefined) {
      const { name, version, label, variables } = dto.prompt;
      const rendered = this.prompts.render(name, {
        version,
        label,
        variables: { [TURN_VARIABLE]: TURN_PLACEHOLDER, ...variables },
      });
      input.prompt = { name, version: String(rendered.prompt.version) };
      if (rendered.prompt.label !== undefined) input.prompt.label = rendered.prompt.label;
      const system = preambleText(rendered.messages);
      if (system !== '') input.system = system;
      model ??= rendered.route;
      context.meta.prompt = rendered.prompt;
    } else if (dto.system !== undefined) {
      input.system = dto.system;
    }
    input.model = model ?? this.config.conversations.defaultModel;
    this.router.resolve(input.model); // 404 model_not_found now, not at the first message
    if (dto.metadata !== undefined) input.metadata = dto.metadata;
    if (dto.title !== undefined) input.title = dto.title;
    return wireConversation(await this.store.create(input));
  }

  async get(id: string, context: RequestContext) {
    return wireConversationWithMessages(await this.load(id, context));
  }

  async list(query: ListConversationsQuery, context: RequestContext) {
    const limit = query.limit === undefined ? undefined : Number(query.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
      throw GatewayError.invalidRequest('limit must be an integer from 1 to 100.', 'limit');
    }
    const page = await this.store.list(conversationOwner(context), { limit, before: query.before });
    return {
      object: 'list',
      data: page.conversations.map(wireConversation),
      next_cursor: page.nextCursor ?? null,
    };
  }

  async delete(id: string, context: RequestContext) {
    if (!(await this.store.delete(id, conversationOwner(context)))) throw conversationNotFound(id);
    return { id, object: 'conversation.deleted', deleted: true };
  }

  /** The caller's conversation with its messages. @throws GatewayError 404 */
  async load(id: string, context: RequestContext): Promise<ConversationWithMessages> {
    const conversation = await this.store.get(id, conversationOwner(context));
    if (conversation === undefined) throw conversationNotFound(id);
    return conversation;
  }
}

/** A conversation template's variable for the user's turn, and what it is at creation. */
const TURN_VARIABLE = 'message';
const TURN_PLACEHOLDER = '(the conversation starts)';

/** The template's leading system/developer messages, as one system prompt. */
function preambleText(messages: readonly Message[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') break;
    parts.push(messageText(message));
  }
  return parts.join('\n\n');
}
