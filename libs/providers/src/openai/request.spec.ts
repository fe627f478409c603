import type { ChatRequest } from '@app/core';
import { OPENAI_DIALECT, type OpenAiDialect } from './dialect';
import { toOpenAiRequest } from './request';

const conversation: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a support agent for ACME.' },
    { role: 'developer', content: 'Answer in one sentence.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Where is order 4411? ' },
        { type: 'image_url', imageUrl: { url: 'https://example.com/receipt.png', detail: 'low' } },
      ],
      name: 'dana',
    },
    {
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_order_status', arguments: '{"order_id":"4411"}' },
        },
      ],
    },
    { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
    { role: 'assistant', content: 'It shipped.' },
    { role: 'user', content: [{ type: 'text', text: 'When will it arrive?' }] },
  ],
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 256,
  stop: ['\n\n'],
  seed: 7,
  presencePenalty: 0.1,
  frequencyPenalty: -0.2,
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_order_status',
        description: 'Look up an order',
        parameters: {
          type: 'object',
          properties: { order_id: { type: 'string' } },
          required: ['order_id'],
          additionalProperties: false,
        },
        strict: true,
      },
    },
  ],
  toolChoice: { type: 'function', function: { name: 'get_order_status' } },
  parallelToolCalls: false,
  responseFormat: {
    type: 'json_schema',
    jsonSchema: {
      name: 'eta',
      schema: { type: 'object', properties: { date: { type: 'string' } } },
      strict: true,
    },
  },
  user: 'user-1234',
};

describe('toOpenAiRequest', () => {
  it('carries every field OpenAI supports, in its wire names', () => {
    expect(toOpenAiRequest(conversation, { stream: false, dialect: OPENAI_DIALECT })).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a support agent for ACME.' },
        { role: 'developer', content: 'Answer in one sentence.' },
        {
          role: 'user',
          name: 'dana',
          content: [
            { type: 'text', text: 'Where is order 4411? ' },
            {
              type: 'image_url',
              image_url: { url: 'https://example.com/receipt.png', detail: 'low' },
            },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_order_status', arguments: '{"order_id":"4411"}' },
            },
          ],
        },
        { role: 'tool', content: '{"status":"shipped"}', tool_call_id: 'call_1' },
        { role: 'assistant', content: 'It shipped.' },
        { role: 'user', content: [{ type: 'text', text: 'When will it arrive?' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ['\n\n'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: -0.2,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_order_status',
            description: 'Look up an order',
            parameters: {
              type: 'object',
              properties: { order_id: { type: 'string' } },
              required: ['order_id'],
              additionalProperties: false,
            },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_order_status' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'eta',
          schema: { type: 'object', properties: { date: { type: 'string' } } },
          strict: true,
        },
      },
      user: 'user-1234',
    });
  });

  it('always asks a stream for its usage chunk', () => {
    const body = toOpenAiRequest(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      { stream: true, dialect: OPENAI_DIALECT },
    );
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends nothing for unset fields and drops tool options without tools', () => {
    const body = toOpenAiRequest(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stop: [],
        tools: [],
        toolChoice: 'none',
        parallelToolCalls: true,
      },
      { stream: false, dialect: OPENAI_DIALECT },
    );
    expect(body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('keeps json_object and text response formats as they are', () => {
    const base = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };
    const json = toOpenAiRequest(
      { ...base, responseFormat: { type: 'json_object' } },
      { stream: false, dialect: OPENAI_DIALECT },
    );
    expect(json.response_format).toEqual({ type: 'json_object' });
  });

  it('follows the dialect: max_tokens, developer as system, flattened text parts, no usage option', () => {
    const legacy: OpenAiDialect = {
      maxTokensField: 'max_tokens',
      developerRole: 'system',
      flattenTextParts: true,
      streamUsageOption: false,
      requireDone: false,
    };
    const body = toOpenAiRequest(conversation, { stream: true, dialect: legacy });
    expect(body.max_tokens).toBe(256);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body).not.toHaveProperty('stream_options');
    expect(body.messages[1]).toEqual({ role: 'system', content: 'Answer in one sentence.' });
    // a part list with an image stays a list, a text-only one becomes a string
    expect(Array.isArray(body.messages[2].content)).toBe(true);
    expect(body.messages[6]).toEqual({ role: 'user', content: 'When will it arrive?' });
  });
});
