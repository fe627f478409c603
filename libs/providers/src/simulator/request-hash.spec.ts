import type { ChatRequest } from '@app/core';
import { requestSeed } from './request-hash';

const base: ChatRequest = {
  model: 'sim-1',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
  ],
};

describe('request seed', () => {
  it('is stable for equal requests and the same seed', () => {
    expect(requestSeed(base, 1)).toBe(requestSeed(structuredClone(base), 1));
    expect(requestSeed(base, 1)).not.toBe(requestSeed(base, 2));
  });

  it('changes with the model, temperature, messages, roles, tools and format', () => {
    const seed = requestSeed(base, 1);
    const variants: ChatRequest[] = [
      { ...base, model: 'sim-2' },
      { ...base, temperature: 0.2 },
      { ...base, messages: [base.messages[0], { role: 'user', content: 'Hello!' }] },
      { ...base, messages: [{ role: 'user', content: 'Be brief.' }, base.messages[1]] },
      { ...base, messages: [{ role: 'system', content: 'Be brief.Hello' }] },
      { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...base, responseFormat: { type: 'json_object' } },
    ];
    for (const variant of variants) expect(requestSeed(variant, 1)).not.toBe(seed);
  });

  it('ignores maxTokens and stop (they only shorten the same reply)', () => {
    expect(requestSeed({ ...base, maxTokens: 5, stop: ['x'] }, 1)).toBe(requestSeed(base, 1));
  });
});
