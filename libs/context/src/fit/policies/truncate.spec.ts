import type { Message } from '@app/core';
import { toolPairProblems } from '../../testing/assertions';
import {
  assistant,
  chatTurns,
  prose,
  system,
  toolExchange,
  user,
} from '../../testing/conversations';
import { DefaultTokenCounter } from '../../tokenizer/token-counter';
import { ContextFitter } from '../context-fitter';

const counter = new DefaultTokenCounter();
const fitter = new ContextFitter(counter);
const target = { model: 'gpt-4o', contextWindow: 1_500, maxOutputTokens: 4_096 };
const fit = (messages: Message[], policy: 'truncate' | 'middle-out' = 'truncate') =>
  fitter.fit({ messages, target, options: { policy, reserveOutputTokens: 300 } });

/** Turns with tool exchanges in some of them. */
function conversationWithTools(turns: number): Message[] {
  const messages: Message[] = [system('You are a support agent.')];
  for (let i = 0; i < turns; i++) {
    messages.push(user(`Q${i} ${prose(i, 25)}`));
    if (i % 3 === 1) messages.push(...toolExchange(`call_${i}`, prose(100 + i, 30)));
    messages.push(assistant(`A${i} ${prose(200 + i, 25)}`));
  }
  return messages;
}

describe('truncate policy', () => {
  it('drops the oldest turns, keeping system messages and the latest turns verbatim', async () => {
    const messages = conversationWithTools(30);
    const { messages: fitted, report } = await fit(messages);
    expect(counter.countMessages(fitted, 'gpt-4o')).toBeLessThanOrEqual(1_200);
    expect(fitted[0]).toBe(messages[0]);
    expect(fitted[1].role).toBe('user');
    // what is kept is a suffix of the original, object for object
    const kept = fitted.slice(1);
    expect(messages.slice(messages.length - kept.length)).toEqual(kept);
    expect(kept[kept.length - 1]).toBe(messages[messages.length - 1]);
    expect(report.turnsDropped).toBe(
      messages.filter((m) => m.role === 'user').length -
        kept.filter((m) => m.role === 'user').length,
    );
    expect(toolPairProblems(fitted)).toEqual([]);
  });

  it('drops as few turns as needed: one turn more would have fitted too', async () => {
    const messages = conversationWithTools(30);
    const { messages: fitted } = await fit(messages);
    const firstKept = messages.indexOf(fitted[1]);
    let previousUser = firstKept - 1;
    while (messages[previousUser].role !== 'user') previousUser--;
    const withOneMore = [messages[0], ...messages.slice(previousUser)];
    expect(counter.countMessages(withOneMore, 'gpt-4o')).toBeGreaterThan(1_200);
  });

  it('never leaves a tool result or a tool call orphaned, whatever the window', async () => {
    const messages = conversationWithTools(20);
    for (let window = 700; window <= 3_000; window += 97) {
      const result = await fitter.fit({
        messages,
        target: { ...target, contextWindow: window },
        options: { policy: 'truncate', reserveOutputTokens: 300 },
      });
      expect(toolPairProblems(result.messages)).toEqual([]);
      expect(result.messages[result.messages.length - 1]).toBe(messages[messages.length - 1]);
    }
  });

  it('keeps system messages from the middle of the conversation', async () => {
    const messages = [
      system('rules'),
      ...chatTurns(10, 30),
      system('Switch to formal tone.'),
      ...chatTurns(10, 30, 2),
      user('ok?'),
    ];
    const { messages: fitted } = await fit(messages);
    expect(fitted.filter((m) => m.role === 'system').map((m) => m.content)).toEqual([
      'rules',
      'Switch to formal tone.',
    ]);
  });

  it('keeps the last user turn and everything after it, even a long tool exchange', async () => {
    const tail = [
      user('Check all orders'),
      ...toolExchange('a', prose(1, 40)),
      ...toolExchange('b', prose(2, 40)),
      assistant('Done'),
    ];
    const { messages: fitted } = await fit([system('s'), ...chatTurns(20, 30), ...tail]);
    expect(fitted.slice(-tail.length)).toEqual(tail);
  });

  it('400 when the last turn alone does not fit', async () => {
    const messages = [system('s'), ...chatTurns(3, 10), user(prose(9, 1_500))];
    await expect(fit(messages)).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringContaining('after dropping all 3 earlier turns'),
    });
  });
});
