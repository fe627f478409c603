import type { Message } from '@app/core';
import { seededRandom } from './seeded-random';

const WORDS = (
  'account order invoice refund shipping delivery parcel address payment card balance ticket ' +
  'update status issue error login password reset browser cache server region support agent ' +
  'customer product price discount coupon weekend morning evening warehouse tracking label'
).split(' ');

/** Deterministic filler prose of about `words` words. */
export function prose(seed: number, words: number): string {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    out.push(i % 12 === 0 ? word[0].toUpperCase() + word.slice(1) : word);
    if (i % 12 === 11) out[out.length - 1] += '.';
  }
  return `${out.join(' ')}.`;
}

export function user(text: string): Message {
  return { role: 'user', content: text };
}

export function assistant(text: string): Message {
  return { role: 'assistant', content: text };
}

export function system(text: string): Message {
  return { role: 'system', content: text };
}

/** An assistant turn that calls a tool, and the tool's answer. */
export function toolExchange(id: string, result: string): Message[] {
  return [
    {
      role: 'assistant',
      content: null,
      toolCalls: [
        { id, type: 'function', function: { name: 'lookup', arguments: `{"id":"${id}"}` } },
      ],
    },
    { role: 'tool', toolCallId: id, content: result },
  ];
}

/** user/assistant pairs of about `words` words each, numbered so that every turn is distinct. */
export function chatTurns(count: number, words: number, seed = 1): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) {
    messages.push(user(`Question ${i}: ${prose(seed * 1000 + i * 2, words)}`));
    messages.push(assistant(`Answer ${i}: ${prose(seed * 1000 + i * 2 + 1, words)}`));
  }
  return messages;
}
