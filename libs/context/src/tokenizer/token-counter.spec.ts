import type { Message } from '@app/core';
import type { ChatMessage } from 'gpt-tokenizer/GptEncoding';
import { computeChatCompletionTokenCount } from 'gpt-tokenizer/functionCalling';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as gpt35 from 'gpt-tokenizer/model/gpt-3.5-turbo';
import * as gpt4 from 'gpt-tokenizer/model/gpt-4';
import * as gpt4o from 'gpt-tokenizer/model/gpt-4o';
import * as gpt4Turbo from 'gpt-tokenizer/model/gpt-4-turbo';
import * as gpt41Mini from 'gpt-tokenizer/model/gpt-4.1-mini';
import * as o3Mini from 'gpt-tokenizer/model/o3-mini';
import * as gpt5 from 'gpt-tokenizer/model/gpt-5';
import { SAMPLE_TOOLS } from '../testing/sample-tools';
import { seededRandom } from '../testing/seeded-random';
import { loadTokenCorpus } from '../testing/token-corpus';
import { IMAGE_TOKENS_HIGH, IMAGE_TOKENS_LOW, TOKENS_PER_MESSAGE } from './chat-framing';
import { estimateTokens } from './estimator';
import { DefaultTokenCounter } from './token-counter';

type Role = 'system' | 'developer' | 'user' | 'assistant';
const ROLES: Role[] = ['system', 'developer', 'user', 'assistant'];
const CORPUS = loadTokenCorpus().map((s) => s.text);

/** Message lists made of corpus slices, with optional names. */
function messageLists(seed: number, count: number, withNames: boolean): Message[][] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * 8);
    return Array.from({ length }, (): Message => {
      const text = pick(CORPUS);
      const from = Math.floor(random() * text.length);
      const message: Message = {
        role: pick(ROLES),
        content: text.slice(from, from + 1 + Math.floor(random() * 600)),
      };
      if (withNames && random() < 0.4) message.name = pick(['alice', 'bob_2', 'support-bot']);
      return message;
    });
  });
}

function asChat(messages: readonly Message[]): ChatMessage[] {
  return messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : '',
    ...(m.name ? { name: m.name } : {}),
  }));
}

describe('DefaultTokenCounter: exact OpenAI counts', () => {
  const counter = new DefaultTokenCounter();
  const plain = messageLists(1, 60, false);
  const named = messageLists(2, 60, true);

  it.each([
    ['gpt-4o', gpt4o],
    ['gpt-4.1-mini', gpt41Mini],
    ['o3-mini', o3Mini],
    ['gpt-5', gpt5],
    ['gpt-4', gpt4],
    ['gpt-4-turbo', gpt4Turbo],
  ])('%s: equals gpt-tokenizer encodeChat for 60 message lists', (model, lib) => {
    for (const messages of plain) {
      expect(counter.countMessages(messages, model)).toBe(lib.encodeChat(asChat(messages)).length);
    }
  });

  it.each([
    ['gpt-4o', gpt4o],
    ['gpt-4.1-mini', gpt41Mini],
    ['gpt-5', gpt5],
    ['gpt-4-turbo', gpt4Turbo],
  ])(
    '%s: equals countChatCompletionTokens with names (+1 and the name per message)',
    (model, lib) => {
      for (const messages of named) {
        expect(counter.countMessages(messages, model)).toBe(
          lib.countChatCompletionTokens!({ messages: asChat(messages) }),
        );
      }
    },
  );

  it('gpt-3.5-turbo: the documented 3 tokens per message (encodeChat uses the 0301 framing: 4)', () => {
    for (const messages of plain) {
      const ours = counter.countMessages(messages, 'gpt-3.5-turbo');
      expect(ours).toBe(gpt35.encodeChat(asChat(messages)).length - messages.length);
      expect(ours).toBe(
        computeChatCompletionTokenCount({ messages: asChat(messages) }, (t) =>
          cl100k.countTokens(t),
        ),
      );
    }
  });

  it('equals countChatCompletionTokens with tool definitions, with and without a system message', () => {
    const functions = SAMPLE_TOOLS.map((t) => t.function) as never;
    for (const messages of [...plain.slice(0, 20), ...named.slice(0, 20)]) {
      expect(counter.countMessages(messages, 'gpt-4o', SAMPLE_TOOLS)).toBe(
        gpt4o.countChatCompletionTokens!({ messages: asChat(messages), functions }),
      );
    }
    const noSystem: Message[] = [{ role: 'user', content: 'weather in Lyon?' }];
    expect(counter.countMessages(noSystem, 'gpt-4o', SAMPLE_TOOLS)).toBe(
      gpt4o.countChatCompletionTokens!({ messages: asChat(noSystem), functions }),
    );
    const paddedAlready: Message[] = [{ role: 'system', content: 'Be brief.\n' }];
    expect(counter.countMessages(paddedAlready, 'gpt-4o', SAMPLE_TOOLS)).toBe(
      gpt4o.countChatCompletionTokens!({ messages: asChat(paddedAlready), functions }),
    );
  });

  it('counts a tool call as gpt-tokenizer counts a function_call', () => {
    const call: Message = {
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'c1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"q":"Lyon"}' },
        },
      ],
    };
    const expected = gpt4o.countChatCompletionTokens!({
      messages: [
        {
          role: 'assistant',
          content: '',
          function_call: { name: 'get_weather', arguments: '{"q":"Lyon"}' },
        },
      ],
    });
    expect(counter.countMessages([call], 'gpt-4o')).toBe(expected);
    const two: Message = { ...call, toolCalls: [call.toolCalls![0], call.toolCalls![0]] };
    expect(counter.countMessages([two], 'gpt-4o') - counter.countMessages([call], 'gpt-4o')).toBe(
      3 + o200k.countTokens('get_weather') + o200k.countTokens('{"q":"Lyon"}'),
    );
  });

  it('uses the model family encoding for dated and Azure-style names', () => {
    const text = 'Grüße aus Köln — 東京 🎉 and some code: const x = y?.z ?? 0;';
    expect(counter.countText(text, 'gpt-4o-mini-2024-07-18')).toBe(o200k.countTokens(text));
    expect(counter.countText(text, 'gpt-35-turbo')).toBe(cl100k.countTokens(text));
    expect(counter.countText(text, 'gpt-4-0613')).toBe(cl100k.countTokens(text));
    expect(o200k.countTokens(text)).not.toBe(cl100k.countTokens(text));
    expect(counter.isExact('gpt-4o-mini-2024-07-18')).toBe(true);
    expect(counter.isExact('claude-3-5-sonnet-20241022')).toBe(false);
  });

  it('counts special-token text as plain text instead of throwing', () => {
    const text = 'before <|endoftext|> after <|im_start|>';
    expect(counter.countText(text, 'gpt-4o')).toBe(
      o200k.countTokens(text, { disallowedSpecial: new Set() }),
    );
  });

  it('counts text parts and prices images by detail', () => {
    const base = counter.countMessages([{ role: 'user', content: 'Describe this' }], 'gpt-4o');
    const low = counter.countMessages(
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this' },
            { type: 'image_url', imageUrl: { url: 'https://x/y.png', detail: 'low' } },
          ],
        },
      ],
      'gpt-4o',
    );
    const high = counter.countMessages(
      [
        {
          role: 'user',
          content: [
            { type: 'image_url', imageUrl: { url: 'https://x/y.png' } },
            { type: 'text', text: 'Describe this' },
          ],
        },
      ],
      'gpt-4o',
    );
    expect(low - base).toBe(IMAGE_TOKENS_LOW);
    expect(high - base).toBe(IMAGE_TOKENS_HIGH);
  });

  it('countMessage is the additive part of countMessages', () => {
    for (const messages of plain.slice(0, 10)) {
      const sum = messages.reduce((n, m) => n + counter.countMessage(m, 'gpt-4o'), 0);
      expect(counter.countMessages(messages, 'gpt-4o')).toBe(sum + 3);
    }
  });
});

describe('DefaultTokenCounter: estimated models', () => {
  const counter = new DefaultTokenCounter();

  it('estimates text and adds the same framing', () => {
    const text = 'Hello there, how are you today?';
    expect(counter.countText(text, 'claude-sonnet-4-20250514')).toBe(estimateTokens(text));
    const messages: Message[] = [{ role: 'user', content: text, name: 'bob' }];
    expect(counter.countMessages(messages, 'llama3.1:8b')).toBe(
      3 +
        TOKENS_PER_MESSAGE +
        estimateTokens('user') +
        estimateTokens(text) +
        1 +
        estimateTokens('bob'),
    );
  });
});

describe('DefaultTokenCounter: caching and loading', () => {
  it('loads an encoding only when a model needs it', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry */
      const encodings = require('./bpe-encodings') as typeof import('./bpe-encodings');
      const { DefaultTokenCounter: Fresh } =
        require('./token-counter') as typeof import('./token-counter');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const counter = new Fresh();
      counter.countMessages([{ role: 'user', content: 'hello' }], 'claude-3-5-haiku');
      expect(counter.isExact('gpt-4o')).toBe(true);
      expect(encodings.isEncodingLoaded('o200k_base')).toBe(false);
      expect(encodings.isEncodingLoaded('cl100k_base')).toBe(false);
      counter.countText('hello', 'gpt-4o');
      expect(encodings.isEncodingLoaded('o200k_base')).toBe(true);
      expect(encodings.isEncodingLoaded('cl100k_base')).toBe(false);
    });
  });

  it('recounts a message object whose fields changed, and per model', () => {
    const counter = new DefaultTokenCounter();
    const message: Message = { role: 'user', content: 'short' };
    const short = counter.countMessage(message, 'gpt-4o');
    message.content = 'a considerably longer text than before, with more tokens';
    const long = counter.countMessage(message, 'gpt-4o');
    expect(long).toBe(3 + 1 + o200k.countTokens(String(message.content)));
    expect(long).toBeGreaterThan(short);
    message.name = 'bob';
    expect(counter.countMessage(message, 'gpt-4o')).toBe(long + 2);
    expect(counter.countMessage(message, 'gpt-4')).toBe(
      3 + 1 + cl100k.countTokens(String(message.content)) + 2,
    );
    const parts: Message = { role: 'user', content: [{ type: 'text', text: 'one' }] };
    const before = counter.countMessage(parts, 'gpt-4o');
    (parts.content as Array<{ type: 'text'; text: string }>).push({
      type: 'text',
      text: 'two three',
    });
    expect(counter.countMessage(parts, 'gpt-4o')).toBeGreaterThan(before);
  });

  it('serves repeated texts from the cache and skips it for one-off texts', () => {
    const counter = new DefaultTokenCounter({ cache: { maxEntries: 10 } });
    const spy = jest.spyOn(o200k, 'countTokens');
    try {
      const text = 'a message that will be counted many times';
      counter.countText(text, 'gpt-4o'); // may or may not call the library, depending on role cache
      const calls = spy.mock.calls.length;
      for (let i = 0; i < 5; i++) counter.countText(`${text}`, 'gpt-4o');
      expect(spy.mock.calls.length).toBe(calls);
      counter.countText('one-off chunk text', 'gpt-4o', { cache: false });
      counter.countText('one-off chunk text', 'gpt-4o', { cache: false });
      expect(spy.mock.calls.length).toBe(calls + 2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('DefaultTokenCounter.truncateText', () => {
  const counter = new DefaultTokenCounter();
  const text = loadTokenCorpus().find((s) => s.name === 'zh-technical')!.text + ' 🎉🎉 end';

  it.each(['gpt-4o', 'gpt-4', 'claude-3-5-haiku'])('%s: a prefix within the limit', (model) => {
    for (const limit of [1, 5, 17, 50, 120]) {
      const cut = counter.truncateText(text, model, limit);
      expect(text.startsWith(cut)).toBe(true);
      expect(counter.countText(cut, model)).toBeLessThanOrEqual(limit);
      expect(cut).not.toMatch(/\uFFFD/);
      expect(counter.countText(cut, model)).toBeGreaterThan(limit / 2 - 2);
    }
    expect(counter.truncateText(text, model, 100_000)).toBe(text);
    expect(counter.truncateText(text, model, 0)).toBe('');
  });
});
