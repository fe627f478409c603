import { messageText, type Message } from '@app/core';
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
const fit = (messages: Message[]) =>
  fitter.fit({ messages, target, options: { policy: 'middle-out', reserveOutputTokens: 300 } });

function turnNumbers(messages: readonly Message[]): number[] {
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => Number(/^Question (\d+)/.exec(messageText(m))?.[1] ?? -1));
}

describe('middle-out policy', () => {
  it('keeps the system prompt, the first user turn and the end, dropping a centred middle range', async () => {
    const messages = [system('You are terse.'), ...chatTurns(30, 20)];
    const { messages: fitted, report } = await fit(messages);
    expect(counter.countMessages(fitted, 'gpt-4o')).toBeLessThanOrEqual(1_200);
    expect(fitted[0]).toBe(messages[0]);
    expect(fitted[1]).toBe(messages[1]); // first user turn
    expect(fitted[fitted.length - 1]).toBe(messages[messages.length - 1]);
    const kept = turnNumbers(fitted);
    const dropped = Array.from({ length: 30 }, (_, i) => i).filter((i) => !kept.includes(i));
    expect(dropped.length).toBe(report.turnsDropped);
    // one contiguous range, centred on the middle of turns 1..28
    expect(dropped[dropped.length - 1] - dropped[0] + 1).toBe(dropped.length);
    const centre = (dropped[0] + dropped[dropped.length - 1]) / 2;
    expect(Math.abs(centre - 14.5)).toBeLessThanOrEqual(1);
    expect(kept[0]).toBe(0);
    expect(kept).toContain(29);
  });

  it('drops tool exchanges together with their turn', async () => {
    const messages: Message[] = [system('s')];
    for (let i = 0; i < 20; i++) {
      messages.push(
        user(`Question ${i} ${prose(i, 20)}`),
        ...toolExchange(`c${i}`, prose(50 + i, 20)),
        assistant(prose(90 + i, 20)),
      );
    }
    const { messages: fitted } = await fit(messages);
    expect(toolPairProblems(fitted)).toEqual([]);
    expect(fitted.length).toBeLessThan(messages.length);
  });

  it('keeps a preamble and the first user turn', async () => {
    const messages = [system('s'), assistant('Welcome! How can I help?'), ...chatTurns(30, 20)];
    const { messages: fitted } = await fit(messages);
    expect(fitted.slice(0, 4)).toEqual(messages.slice(0, 4));
  });

  it('400 when dropping every middle turn is not enough', async () => {
    const messages = [
      system('s'),
      user(prose(1, 700)),
      assistant('ok'),
      ...chatTurns(2, 10),
      user(prose(2, 700)),
    ];
    await expect(fit(messages)).rejects.toMatchObject({ code: 'context_length_exceeded' });
    await expect(fit([system('s'), user(prose(3, 1_200))])).rejects.toMatchObject({
      code: 'context_length_exceeded',
      message: expect.stringContaining('no turn to drop'),
    });
  });
});
