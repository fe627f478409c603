import type { ToolCall, Usage } from '@app/core';
import type { Insertable, Selectable } from 'kysely';
import type {
  Conversation,
  CreateConversationInput,
  MessageStatus,
  NewMessage,
  StoredMessage,
  TurnRole,
} from './conversation.types';
import type { ConversationsTable, MessagesTable } from './database';
import { corruptData } from './errors';

/**
 * Domain objects <-> rows, shared by both dialects: JSON columns are text, absent optional fields
 * are NULL, and NULL comes back as an absent field (never `undefined` values or nulls).
 */

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw corruptData(`${what} is not JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMetadata(text: string): Record<string, string> {
  const value = parseJson(text, 'metadata');
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw corruptData('metadata is not an object of strings');
  }
  return value as Record<string, string>;
}

function isToolCall(value: unknown): value is ToolCall {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    value.type === 'function' &&
    isObject(value.function) &&
    typeof value.function.name === 'string' &&
    typeof value.function.arguments === 'string'
  );
}

function parseToolCalls(text: string): ToolCall[] {
  const value = parseJson(text, 'tool_calls');
  if (!Array.isArray(value) || !value.every(isToolCall)) {
    throw corruptData('tool_calls is not an array of tool calls');
  }
  return value;
}

function parseUsage(text: string): Usage {
  const value = parseJson(text, 'usage');
  if (
    !isObject(value) ||
    typeof value.inputTokens !== 'number' ||
    typeof value.outputTokens !== 'number' ||
    typeof value.totalTokens !== 'number'
  ) {
    throw corruptData('usage is not a usage object');
  }
  return value as unknown as Usage;
}

/** Copies the defined entries only, so optional fields are absent rather than undefined. */
function compact<T extends object>(value: T): T {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out as T;
}

export function conversationRow(
  id: string,
  input: CreateConversationInput,
  now: string,
): Insertable<ConversationsTable> {
  return {
    id,
    owner: input.owner,
    model: input.model ?? null,
    prompt_name: input.prompt?.name ?? null,
    prompt_version: input.prompt?.version ?? null,
    prompt_label: input.prompt?.label ?? null,
    system: input.system ?? null,
    metadata: JSON.stringify(input.metadata ?? {}),
    title: input.title ?? null,
    last_seq: 0,
    created_at: now,
    updated_at: now,
  };
}

export function toConversation(row: ConversationRow): Conversation {
  return compact<Conversation>({
    id: row.id,
    owner: row.owner,
    model: row.model ?? undefined,
    prompt:
      row.prompt_name === null
        ? undefined
        : compact({
            name: row.prompt_name,
            version: row.prompt_version ?? undefined,
            label: row.prompt_label ?? undefined,
          }),
    system: row.system ?? undefined,
    metadata: parseMetadata(row.metadata),
    title: row.title ?? undefined,
    messageCount: Number(row.last_seq),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** The columns a message's content decides (shared by insert and partial-turn update). */
export function messageContentColumns(
  message: Pick<
    NewMessage,
    'content' | 'toolCalls' | 'deployment' | 'usage' | 'finishReason' | 'status'
  >,
): Pick<
  Insertable<MessagesTable>,
  'content' | 'tool_calls' | 'deployment' | 'usage' | 'finish_reason' | 'status'
> {
  return {
    content: message.content,
    tool_calls: message.toolCalls === undefined ? null : JSON.stringify(message.toolCalls),
    deployment: message.deployment ?? null,
    usage: message.usage === undefined ? null : JSON.stringify(message.usage),
    finish_reason: message.finishReason ?? null,
    status: message.status ?? 'complete',
  };
}

export function messageRow(
  conversationId: string,
  seq: number,
  message: NewMessage,
  now: string,
): Insertable<MessagesTable> {
  return {
    conversation_id: conversationId,
    seq,
    role: message.role,
    name: message.name ?? null,
    tool_call_id: message.toolCallId ?? null,
    request_id: message.requestId ?? null,
    created_at: now,
    ...messageContentColumns(message),
  };
}

export function toStoredMessage(row: MessageRow): StoredMessage {
  if (row.role !== 'user' && row.role !== 'assistant' && row.role !== 'tool') {
    throw corruptData(`message role '${row.role}'`);
  }
  if (row.status !== 'complete' && row.status !== 'partial') {
    throw corruptData(`message status '${row.status}'`);
  }
  return compact<StoredMessage>({
    seq: Number(row.seq),
    role: row.role satisfies TurnRole,
    content: row.content,
    name: row.name ?? undefined,
    toolCalls: row.tool_calls === null ? undefined : parseToolCalls(row.tool_calls),
    toolCallId: row.tool_call_id ?? undefined,
    status: row.status satisfies MessageStatus,
    requestId: row.request_id ?? undefined,
    deployment: row.deployment ?? undefined,
    usage: row.usage === null ? undefined : parseUsage(row.usage),
    finishReason: row.finish_reason ?? undefined,
    createdAt: row.created_at,
  });
}
