import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Message } from '@app/core';
import {
  IMAGE_TOKENS_LOW,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  countPromptTokens,
  countTextTokens,
  lastUserText,
} from './token-count';

describe('token counting', () => {
  it('counts text with o200k_base and serves repeats from the cache', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    expect(countTextTokens(text)).toBe(countTokens(text));
    expect(countTextTokens(text)).toBe(10);
    expect(countTextTokens('')).toBe(0);
  });

  it('treats special-token text in user content as plain text instead of throwing', () => {
    expect(countTextTokens('hi <|endoftext|> there')).toBeGreaterThan(3);
  });

  it('adds OpenAI-style per-message and priming overheads', () => {
    const messages: Message[] = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Hello there!', name: 'bob' },
    ];
    const expected =
      REPLY_PRIMING_TOKENS +
      2 * TOKENS_PER_MESSAGE +
      countTokens('system') +
      countTokens('You are helpful.') +
      countTokens('user') +
      countTokens('Hello there!') +
      1 +
      countTokens('bob');
    expect(countPromptTokens(messages)).toBe(expected);
  });

  it('counts text parts, estimates images, tool calls and tool definitions', () => {
    const base = countPromptTokens([{ role: 'user', content: 'Describe' }]);
    const withImage = countPromptTokens([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe' },
          { type: 'image_url', imageUrl: { url: 'https://x/y.png', detail: 'low' } },
        ],
      },
    ]);
    expect(withImage - base).toBe(IMAGE_TOKENS_LOW);
    const withCall = countPromptTokens([
      { role: 'user', content: 'Describe' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]);
    expect(withCall).toBeGreaterThan(base + TOKENS_PER_MESSAGE);
    const withTools = countPromptTokens(
      [{ role: 'user', content: 'Describe' }],
      [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    );
    expect(withTools).toBeGreaterThan(base);
  });

  it('finds the text of the last user message', () => {
    expect(
      lastUserText([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
        { role: 'tool', content: 'result', toolCallId: 'c1' },
      ]),
    ).toBe('second');
    expect(lastUserText([{ role: 'system', content: 'x' }])).toBe('');
  });
});
