import type { Message } from '@app/core';
import type { ConversationWithMessages, StoredMessage } from './conversation.types';

export interface MessagesForModelOptions {
  /**
   * `include` (default): a partial assistant turn goes to the model with the text the user saw,
   * so "go on" or "that got cut off" makes sense to it; its tool calls are dropped, because a
   * cut call's arguments may be broken JSON and no tool result answers it. `exclude`: partial
   * turns are left out (a retry of the same question, where the cut text would only confuse).
   */
  partial?: 'include' | 'exclude';
  /**
   * Messages placed first instead of the conversation's `system` prompt, e.g. the rendered
   * prompt template the conversation names. Default: `[{ role: 'system', content: system }]`
   * when the conversation has a system prompt, else nothing.
   */
  preamble?: Message[];
}

/**
 * The conversation as core `Message`s for a chat request: the preamble (system prompt), then the
 * turns in seq order. The result is always well-formed for providers: a tool message is kept
 * only when an earlier assistant turn in the result asked for its call, and a partial turn left
 * with neither text nor tool calls is dropped.
 */
export function messagesForModel(
  conversation: Pick<ConversationWithMessages, 'system' | 'messages'>,
  options: MessagesForModelOptions = {},
): Message[] {
  const out: Message[] =
    options.preamble !== undefined
      ? [...options.preamble]
      : conversation.system !== undefined
        ? [{ role: 'system', content: conversation.system }]
        : [];
  const askedFor = new Set<string>();
  for (const stored of conversation.messages) {
    const message = toModelMessage(stored, options.partial ?? 'include');
    if (message === undefined) continue;
    if (message.role === 'tool' && !askedFor.has(message.toolCallId ?? '')) continue;
    for (const call of message.toolCalls ?? []) askedFor.add(call.id);
    out.push(message);
  }
  return out;
}

function toModelMessage(
  stored: StoredMessage,
  partial: 'include' | 'exclude',
): Message | undefined {
  if (stored.status === 'partial') {
    if (partial === 'exclude' || !stored.content) return undefined;
    return withName({ role: stored.role, content: stored.content }, stored);
  }
  const message: Message = { role: stored.role, content: stored.content };
  if (stored.toolCalls !== undefined) message.toolCalls = stored.toolCalls;
  if (stored.toolCallId !== undefined) message.toolCallId = stored.toolCallId;
  return withName(message, stored);
}

function withName(message: Message, stored: StoredMessage): Message {
  if (stored.name !== undefined) message.name = stored.name;
  return message;
}
