import type { Message } from '@app/core';

/**
 * A turn: a user message and everything after it up to the next user message (so an assistant's
 * tool calls and the tool results answering them are always in the same turn). Messages before
 * the first user message, after the leading system messages, form a turn of their own.
 */
export interface Turn {
  /** message indexes [start, end) */
  start: number;
  end: number;
  /** system/developer messages inside the turn: kept when the turn is dropped */
  pinned: number[];
  /** tokens of the turn's other messages, framing included */
  tokens: number;
}

export interface Conversation {
  messages: readonly Message[];
  /** the leading system/developer messages: messages [0, head) */
  head: number;
  turns: Turn[];
}

export function isPinned(message: Message): boolean {
  return message.role === 'system' || message.role === 'developer';
}

/** Splits the messages into the pinned head and turns, with each turn's droppable tokens. */
export function analyzeConversation(
  messages: readonly Message[],
  countMessage: (message: Message) => number,
): Conversation {
  let head = 0;
  while (head < messages.length && isPinned(messages[head])) head++;
  const turns: Turn[] = [];
  const pendingCalls = new Set<string>();
  let current: Turn | undefined;
  for (let i = head; i < messages.length; i++) {
    const message = messages[i];
    // a user message starts a turn, unless tool calls are still waiting for their results
    if (current === undefined || (message.role === 'user' && pendingCalls.size === 0)) {
      current = { start: i, end: i, pinned: [], tokens: 0 };
      turns.push(current);
    }
    current.end = i + 1;
    if (isPinned(message)) {
      current.pinned.push(i);
      continue;
    }
    current.tokens += countMessage(message);
    for (const call of message.toolCalls ?? []) pendingCalls.add(call.id);
    if (message.role === 'tool' && message.toolCallId !== undefined) {
      pendingCalls.delete(message.toolCallId);
    }
  }
  return { messages, head, turns };
}

/**
 * The messages with turns left out: the head, then each turn whole when `keep(index)`, else only
 * its pinned messages. Message objects are the caller's own (never copied).
 */
export function keepTurns(
  conversation: Conversation,
  keep: (turnIndex: number) => boolean,
): Message[] {
  const { messages, head, turns } = conversation;
  const result = messages.slice(0, head);
  turns.forEach((turn, index) => {
    if (keep(index)) {
      for (let i = turn.start; i < turn.end; i++) result.push(messages[i]);
    } else {
      for (const i of turn.pinned) result.push(messages[i]);
    }
  });
  return result;
}

/** Index of the first turn that starts with a user message (0 when none does). */
export function firstUserTurn(conversation: Conversation): number {
  const index = conversation.turns.findIndex(
    (turn) => conversation.messages[turn.start].role === 'user',
  );
  return Math.max(0, index);
}
