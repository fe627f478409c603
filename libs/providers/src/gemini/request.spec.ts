import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest, Message } from '@app/core';
import { geminiModelPath, toGeminiRequest } from './request';
import { SKIP_THOUGHT_SIGNATURE } from './tool-call-id';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));

const SIGNATURE = 'CqUCAdHtim9Kj0u3mxtBwQ1v3z8dF0sLq2vXo9Xv1QkF8y+6z7Jb8v0=';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

const conversation: ChatRequest = {
  model: 'gemini-2.5-flash',
  messages: [
    { role: 'system', content: 'You are a concise travel assistant.' },
    { role: 'user', content: 'What is the weather in Paris and Tokyo? Here is my ticket:' },
    {
      role: 'user',
      content: [
        { type: 'image_url', imageUrl: { url: `data:image/png;base64,${PNG}` } },
        { type: 'image_url', imageUrl: { url: 'https://example.com/photos/eiffel.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: `call_0__thought__${SIGNATURE}`,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        },
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
        },
      ],
    },
    {
      role: 'tool',
      toolCallId: `call_0__thought__${SIGNATURE}`,
      content: '{"temperature":18,"conditions":"cloudy"}',
    },
    { role: 'tool', toolCallId: 'call_1', content: 'sunny, 24 °C' },
    { role: 'developer', content: 'Always use metric units.' },
    { role: 'assistant', content: 'Paris is cloudy at 18 °C; Tokyo is sunny at 24 °C.' },
    { role: 'user', content: 'Which one is warmer?' },
    { role: 'user', content: [{ type: 'text', text: 'Answer as JSON.' }] },
  ],
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 256,
  stop: ['END'],
  seed: 7,
  presencePenalty: 0.1,
  frequencyPenalty: 0.2,
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        strict: true,
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['city'],
          additionalProperties: false,
        },
      },
    },
    { type: 'function', function: { name: 'get_time' } },
  ],
  toolChoice: { type: 'function', function: { name: 'get_weather' } },
  parallelToolCalls: false,
  responseFormat: {
    type: 'json_schema',
    jsonSchema: {
      name: 'warmer',
      strict: true,
      schema: {
        type: 'object',
        properties: { warmer: { type: 'string' }, difference_c: { type: 'number' } },
        required: ['warmer', 'difference_c'],
        additionalProperties: false,
      },
    },
  },
  user: 'end-user-42',
  includeUsage: true,
};

const user = (content: string): Message => ({ role: 'user', content });

describe('toGeminiRequest', () => {
  it('maps a full conversation to the recorded wire request', () => {
    const wire = toGeminiRequest(conversation);
    expect(JSON.parse(JSON.stringify(wire))).toEqual(fixture('request-conversation.json'));
  });

  it('keeps only generationConfig.candidateCount for a bare request', () => {
    expect(toGeminiRequest({ model: 'gemini-2.0-flash', messages: [user('Hi')] })).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { candidateCount: 1 },
    });
  });

  it('maps json_object and text formats', () => {
    const base = { model: 'gemini-2.0-flash', messages: [user('Hi')] };
    expect(
      toGeminiRequest({ ...base, responseFormat: { type: 'json_object' } }).generationConfig,
    ).toEqual({ candidateCount: 1, responseMimeType: 'application/json' });
    expect(toGeminiRequest({ ...base, responseFormat: { type: 'text' } }).generationConfig).toEqual(
      { candidateCount: 1 },
    );
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
  ] as const)('maps toolChoice %s', (choice, config) => {
    const wire = toGeminiRequest({
      model: 'gemini-2.0-flash',
      messages: [user('Hi')],
      toolChoice: choice,
    });
    expect(wire.toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('sends ids Gemini gave back on the call and its response, and keeps made-up ids out', () => {
    const wire = toGeminiRequest({
      model: 'gemini-2.5-pro',
      messages: [
        user('Where is my order?'),
        {
          role: 'assistant',
          content: 'Let me look that order up.',
          toolCalls: [
            {
              id: 'fc_6f1c2b9e',
              type: 'function',
              function: { name: 'lookup_order', arguments: '{"order_id":"A-1042"}' },
            },
          ],
        },
        { role: 'tool', toolCallId: 'fc_6f1c2b9e', content: '["shipped"]' },
      ],
    });
    expect(wire.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'Let me look that order up.' },
          {
            functionCall: { id: 'fc_6f1c2b9e', name: 'lookup_order', args: { order_id: 'A-1042' } },
          },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'fc_6f1c2b9e',
              name: 'lookup_order',
              response: { output: '["shipped"]' },
            },
          },
        ],
      },
    ]);
  });

  it('resolves a repeated made-up id to the nearest earlier call', () => {
    const call = (name: string) => ({
      role: 'assistant' as const,
      content: null,
      toolCalls: [{ id: 'call_0', type: 'function' as const, function: { name, arguments: '{}' } }],
    });
    const wire = toGeminiRequest({
      model: 'gemini-2.0-flash',
      messages: [
        user('a'),
        call('first'),
        { role: 'tool', toolCallId: 'call_0', content: '1' },
        call('second'),
        { role: 'tool', toolCallId: 'call_0', content: '2' },
      ],
    });
    expect(wire.contents[4].parts[0].functionResponse?.name).toBe('second');
  });

  it('puts the placeholder signature on unsigned calls for Gemini 3 only', () => {
    const messages: Message[] = [
      user('Time in Tokyo?'),
      {
        role: 'assistant',
        content: null,
        toolCalls: [
          { id: 'call_abc', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          { id: 'call_def', type: 'function', function: { name: 'get_date', arguments: '{}' } },
        ],
      },
    ];
    const three = toGeminiRequest({ model: 'gemini-3-pro-preview', messages });
    expect(three.contents[1].parts.map((part) => part.thoughtSignature)).toEqual([
      SKIP_THOUGHT_SIGNATURE,
      undefined,
    ]);
    const two = toGeminiRequest({ model: 'gemini-2.5-flash', messages });
    expect(two.contents[1].parts.map((part) => part.thoughtSignature)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('rejects what Gemini cannot take', () => {
    const orphan = {
      model: 'gemini-2.0-flash',
      messages: [user('a'), { role: 'tool', toolCallId: 'call_9', content: 'x' } as Message],
    };
    expect(() => toGeminiRequest(orphan)).toThrow(/answers no earlier assistant tool call/);
    const badArgs: ChatRequest = {
      model: 'gemini-2.0-flash',
      messages: [
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '[1]' } }],
        },
      ],
    };
    expect(() => toGeminiRequest(badArgs)).toThrow(/not a JSON object/);
    const badImage: ChatRequest = {
      model: 'gemini-2.0-flash',
      messages: [
        { role: 'user', content: [{ type: 'image_url', imageUrl: { url: 'ftp://x/y.png' } }] },
      ],
    };
    expect(() => toGeminiRequest(badImage)).toThrow(/Image URLs/);
  });
});

describe('geminiModelPath', () => {
  it('builds both method paths and drops a models/ prefix', () => {
    expect(geminiModelPath('models/gemini-2.0-flash', false)).toBe(
      '/v1beta/models/gemini-2.0-flash:generateContent',
    );
    expect(geminiModelPath('gemini-2.0-flash', true)).toBe(
      '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
  });
});
