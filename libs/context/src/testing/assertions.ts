import type { Message } from '@app/core';

/**
 * Every tool result answers a call made earlier, and every call made has its result:
 * no orphan on either side.
 */
export function toolPairProblems(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  const called = new Set<string>();
  const answered = new Set<string>();
  for (const message of messages) {
    for (const call of message.toolCalls ?? []) called.add(call.id);
    if (message.role === 'tool') {
      const id = message.toolCallId ?? '';
      if (!called.has(id)) problems.push(`orphan result ${id}`);
      answered.add(id);
    }
  }
  for (const id of called) if (!answered.has(id)) problems.push(`call without result ${id}`);
  return problems;
}

/** The messages from the start of the n-th last user turn to the end. */
export function lastTurns(messages: readonly Message[], n: number): Message[] {
  let found = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user' && ++found === n) return messages.slice(i);
  }
  return messages.slice();
}
