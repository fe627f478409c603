import type { Message } from '@app/core';
import { assistant, system, toolExchange, user } from '../testing/conversations';
import { analyzeConversation, firstUserTurn, keepTurns } from './conversation';

const one = () => 1;

describe('analyzeConversation', () => {
  it('pins leading system/developer messages and starts a turn at each user message', () => {
    const messages: Message[] = [
      system('rules'),
      { role: 'developer', content: 'more rules' },
      user('a'),
      assistant('b'),
      user('c'),
      ...toolExchange('t1', 'r1'),
      assistant('d'),
      user('e'),
    ];
    const conversation = analyzeConversation(messages, one);
    expect(conversation.head).toBe(2);
    expect(conversation.turns.map((t) => [t.start, t.end, t.tokens])).toEqual([
      [2, 4, 2],
      [4, 8, 4],
      [8, 9, 1],
    ]);
  });

  it('keeps a preamble before the first user message as its own turn, and pins system messages inside turns', () => {
    const messages: Message[] = [
      assistant('Hi, how can I help?'),
      user('a'),
      system('mid'),
      assistant('b'),
    ];
    const conversation = analyzeConversation(messages, one);
    expect(conversation.head).toBe(0);
    expect(conversation.turns.map((t) => [t.start, t.end, t.pinned, t.tokens])).toEqual([
      [0, 1, [], 1],
      [1, 4, [2], 2],
    ]);
    expect(firstUserTurn(conversation)).toBe(1);
    expect(keepTurns(conversation, (i) => i === 0)).toEqual([messages[0], messages[2]]);
  });

  it('does not start a turn while tool calls wait for their results', () => {
    const [call, result] = toolExchange('t9', 'done');
    const messages: Message[] = [user('a'), call, user('interjection'), result, user('b')];
    const conversation = analyzeConversation(messages, one);
    expect(conversation.turns.map((t) => [t.start, t.end])).toEqual([
      [0, 4],
      [4, 5],
    ]);
  });

  it("keepTurns returns the caller's own message objects", () => {
    const messages = [system('s'), user('a'), assistant('b'), user('c')];
    const conversation = analyzeConversation(messages, one);
    const kept = keepTurns(conversation, (i) => i === 1);
    expect(kept).toEqual([messages[0], messages[3]]);
    expect(kept[1]).toBe(messages[3]);
  });
});
