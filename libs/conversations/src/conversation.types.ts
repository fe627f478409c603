import type { ToolCall, Usage } from '@app/core';

/** The prompt template a conversation was started from (resolved by @app/templates, not here). */
export interface PromptRef {
  name: string;
  version?: string;
  label?: string;
}

/** A conversation's header: who owns it and how it is configured, without its messages. */
export interface Conversation {
  /** random UUID (crypto.randomUUID) */
  id: string;
  /** the tenant / user / key the conversation belongs to; every read and write must name it */
  owner: string;
  model?: string;
  prompt?: PromptRef;
  /** system prompt placed before the turns (see messagesForModel) */
  system?: string;
  /** caller-defined string tags; `{}` when none */
  metadata: Record<string, string>;
  title?: string;
  /** number of stored messages, which is also the seq of the last one */
  messageCount: number;
  /** ISO 8601, UTC, millisecond precision */
  createdAt: string;
  /** ISO 8601; bumped by every append or message update */
  updatedAt: string;
}

/**
 * Roles a stored turn may have. The system prompt is the conversation's `system` field, not a
 * message, so a history always starts with the first real turn.
 */
export type TurnRole = 'user' | 'assistant' | 'tool';

/**
 * `partial`: an assistant reply whose stream was cut (client gone, upstream failed, process
 * stopped mid-checkpoint); `complete`: everything else. Only assistant turns may be partial.
 */
export type MessageStatus = 'complete' | 'partial';

/** One turn as the store holds it. */
export interface StoredMessage {
  /** 1, 2, 3, ... per conversation, assigned by the store: no gaps, no duplicates */
  seq: number;
  role: TurnRole;
  /** null only for an assistant turn that carries tool calls and no text */
  content: string | null;
  name?: string;
  /** assistant turns only */
  toolCalls?: ToolCall[];
  /** tool turns only (required there) */
  toolCallId?: string;
  status: MessageStatus;
  /** the gateway request that produced (or appended) this turn */
  requestId?: string;
  /** assistant turns only: the deployment that answered */
  deployment?: string;
  /** assistant turns only */
  usage?: Usage;
  /** assistant turns only, e.g. `stop`, `length`, `tool_calls` */
  finishReason?: string;
  createdAt: string;
}

/** A conversation and its messages in seq order. */
export interface ConversationWithMessages extends Conversation {
  messages: StoredMessage[];
}

/** What a caller passes to append a turn; seq and createdAt come from the store. */
export interface NewMessage {
  role: TurnRole;
  content: string | null;
  name?: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  /** default `complete` */
  status?: MessageStatus;
  requestId?: string;
  deployment?: string;
  usage?: Usage;
  finishReason?: string;
}

/**
 * Changes to a `partial` assistant turn: a streaming reply can be checkpointed as partial and
 * completed (or left partial) when the stream ends. Complete turns are immutable.
 */
export interface MessagePatch {
  content?: string | null;
  toolCalls?: ToolCall[];
  status?: MessageStatus;
  deployment?: string;
  usage?: Usage;
  finishReason?: string;
}

export interface CreateConversationInput {
  owner: string;
  model?: string;
  prompt?: PromptRef;
  system?: string;
  metadata?: Record<string, string>;
  title?: string;
}

/** Header fields a caller may change after creation; `null` clears an optional field. */
export interface ConversationPatch {
  title?: string | null;
  model?: string | null;
  metadata?: Record<string, string>;
}

export interface ListConversationsOptions {
  /** page size, 1..100; default 20 */
  limit?: number;
  /** the `nextCursor` of the previous page */
  before?: string;
}

/** One page of conversations, newest (by creation) first. */
export interface ConversationPage {
  conversations: Conversation[];
  /** pass as `before` to get the next (older) page; absent on the last page */
  nextCursor?: string;
}

export type PingResult = { ok: true; latencyMs: number } | { ok: false; error: string };
