import { GatewayError, type ChatRequest } from '@app/core';
import { loadJson } from './fixtures/load-fixture';
import { toAnthropicRequest } from './request';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const multiTurn: ChatRequest = {
  model: 'claude-sonnet-4-5-20250929',
  messages: [
    { role: 'system', content: 'You are a support agent for Acme.' },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
    { role: 'user', content: 'Hi, my order is late.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Here is the label:' },
        { type: 'image_url', imageUrl: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
      ],
    },
    { role: 'assistant', content: 'Sorry to hear that. Which order number?' },
    {
      role: 'user',
      name: 'alice',
      content: [
        { type: 'text', text: 'Order 4411, photo of the parcel:' },
        { type: 'image_url', imageUrl: { url: 'https://cdn.example.com/parcel.jpg' } },
      ],
    },
  ],
  temperature: 0.3,
  topP: 0.9,
  maxTokens: 512,
  stop: ['###'],
  seed: 7,
  presencePenalty: 0.5,
  frequencyPenalty: 0.2,
  responseFormat: {
    type: 'json_schema',
    jsonSchema: { name: 'answer', schema: { type: 'object', properties: {} } },
  },
  user: 'user-7f3a',
  includeUsage: true,
};

const withTools: ChatRequest = {
  model: 'claude-haiku-4-5-20251001',
  messages: [
    { role: 'system', content: 'Use the tools when needed.' },
    { role: 'user', content: "What's the weather in SF and NYC?" },
    {
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'toolu_01A09q90qw90lq917835lq9',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' },
        },
        {
          id: 'toolu_01B7Zt3mqPVqk1Ls8Hn2wQxR',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location": "New York, NY"}' },
        },
      ],
    },
    { role: 'tool', toolCallId: 'toolu_01A09q90qw90lq917835lq9', content: '18°C, fog' },
    {
      role: 'tool',
      toolCallId: 'toolu_01B7Zt3mqPVqk1Ls8Hn2wQxR',
      content: [{ type: 'text', text: '24°C, sunny' }],
    },
    { role: 'user', content: 'Which one is warmer?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        strict: true,
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['location'],
        },
      },
    },
    { type: 'function', function: { name: 'list_cities' } },
  ],
  toolChoice: { type: 'function', function: { name: 'get_weather' } },
  parallelToolCalls: false,
};

const hello = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-haiku-4-5-20251001',
  messages: [{ role: 'user', content: 'Hello' }],
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
  ...extra,
});

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('toAnthropicRequest', () => {
  it('lifts system and developer messages, merges consecutive user turns, maps images and options', () => {
    expect(toAnthropicRequest(multiTurn, { stream: false })).toEqual(
      loadJson('request-multiturn.json'),
    );
  });

  it('drops seed, penalties, response_format and user names, and never sends stream: false', () => {
    const body = toAnthropicRequest(multiTurn, { stream: false }) as unknown as Record<
      string,
      unknown
    >;
    for (const key of ['seed', 'presence_penalty', 'frequency_penalty', 'response_format']) {
      expect(body).not.toHaveProperty(key);
    }
    expect(body).not.toHaveProperty('stream');
    expect(JSON.stringify(body)).not.toContain('alice');
  });

  it('maps tools, a named tool choice without parallel calls, tool calls and merged tool results', () => {
    expect(toAnthropicRequest(withTools, { stream: true })).toEqual(
      loadJson('request-tools-stream.json'),
    );
  });

  it('uses the default max_tokens when the request sets none', () => {
    expect(toAnthropicRequest(hello(), { stream: false }).max_tokens).toBe(4096);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    [undefined, undefined, undefined],
    [undefined, true, undefined],
  ] as const)('tool choice %s with parallelToolCalls %s', (choice, parallel, expected) => {
    const body = toAnthropicRequest(hello({ toolChoice: choice, parallelToolCalls: parallel }), {
      stream: false,
    });
    expect(body.tool_choice).toEqual(expected);
  });

  it('sends no tool_choice when there are no tools', () => {
    const body = toAnthropicRequest(hello({ tools: [], toolChoice: 'required' }), {
      stream: false,
    });
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('takes empty tool-call arguments as an empty object', () => {
    const req = hello({
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: 'Calling.',
          toolCalls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '' } }],
        },
        { role: 'tool', toolCallId: 't1', content: '' },
      ],
    });
    expect(toAnthropicRequest(req, { stream: false }).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Calling.' },
          { type: 'tool_use', id: 't1', name: 'f', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1' }] },
    ]);
  });

  it('refuses tool-call arguments that are not a JSON object, naming the param', () => {
    for (const args of ['{"city": "Par', '[1,2]']) {
      const req = hello({
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: args } }],
          },
        ],
      });
      const error = thrown(() => toAnthropicRequest(req, { stream: false }));
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'messages[1].tool_calls[0].function.arguments',
      });
    }
  });

  it('refuses a tool message without tool_call_id and image URLs of other schemes', () => {
    expect(
      thrown(() =>
        toAnthropicRequest(hello({ messages: [{ role: 'tool', content: 'x' }] }), {
          stream: false,
        }),
      ),
    ).toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
    const ftp = hello({
      messages: [
        { role: 'user', content: [{ type: 'image_url', imageUrl: { url: 'ftp://x/y.png' } }] },
      ],
    });
    expect(thrown(() => toAnthropicRequest(ftp, { stream: false }))).toMatchObject({
      status: 400,
      param: 'messages[0].content[0].image_url.url',
    });
  });
});
