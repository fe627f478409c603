import { GatewayError, makeUsage, type ChatResponse } from '@app/core';
import {
  newCompletionIdentity,
  toOpenAiChunk,
  toOpenAiCompletion,
  toOpenAiErrorBody,
  toOpenAiUsage,
  toOpenAiUsageChunk,
  type CompletionIdentity,
} from './openai-response';

const identity: CompletionIdentity = { id: 'chatcmpl-test', created: 1_700_000_000, model: 'chat' };

function response(over: Partial<ChatResponse> = {}): ChatResponse {
  return {
    id: 'upstream-id',
    model: 'gpt-4o-mini-2024-07-18',
    message: { role: 'assistant', content: 'Hello!' },
    finishReason: 'stop',
    usage: makeUsage(12, 3),
    ...over,
  };
}

describe('newCompletionIdentity', () => {
  it('makes a chatcmpl- id, the current second and the caller model', () => {
    const before = Math.floor(Date.now() / 1000);
    const a = newCompletionIdentity('chat');
    const b = newCompletionIdentity('chat');
    expect(a.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.model).toBe('chat');
    expect(a.created).toBeGreaterThanOrEqual(before);
    expect(a.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('toOpenAiUsage', () => {
  it('maps the token counts', () => {
    expect(toOpenAiUsage(makeUsage(10, 5))).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
    });
  });

  it('adds cached and reasoning token details when known', () => {
    expect(
      toOpenAiUsage(makeUsage(100, 40, { cachedInputTokens: 64, reasoningTokens: 32 })),
    ).toEqual({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 32 },
    });
  });
});

describe('toOpenAiCompletion', () => {
  it('builds the chat.completion shape with the gateway identity, not the upstream one', () => {
    expect(toOpenAiCompletion(response(), identity)).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'chat',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      system_fingerprint: null,
    });
  });

  it('carries tool calls with null content and the tool_calls finish reason', () => {
    const completion = toOpenAiCompletion(
      response({
        message: {
          role: 'assistant',
          content: null,
          toolCalls: [
            { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
            { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } },
          ],
        },
        finishReason: 'tool_calls',
      }),
      identity,
    );
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
          { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('omits tool_calls when the list is empty', () => {
    const completion = toOpenAiCompletion(
      response({ message: { role: 'assistant', content: 'x', toolCalls: [] } }),
      identity,
    );
    expect('tool_calls' in completion.choices[0].message).toBe(false);
  });

  it('carries a refusal', () => {
    const completion = toOpenAiCompletion(
      response({
        message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
        finishReason: 'content_filter',
      }),
      identity,
    );
    expect(completion.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: 'I cannot help with that.',
    });
    expect(completion.choices[0].finish_reason).toBe('content_filter');
  });

  it('carries usage details', () => {
    const completion = toOpenAiCompletion(
      response({ usage: makeUsage(50, 20, { cachedInputTokens: 30, reasoningTokens: 8 }) }),
      identity,
    );
    expect(completion.usage).toEqual({
      prompt_tokens: 50,
      completion_tokens: 20,
      total_tokens: 70,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 8 },
    });
  });
});

describe('toOpenAiChunk', () => {
  it('builds a chat.completion.chunk with a content delta', () => {
    expect(
      toOpenAiChunk({ delta: { role: 'assistant', content: 'Hel' } }, identity, false),
    ).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'chat',
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: 'Hel' },
          logprobs: null,
          finish_reason: null,
        },
      ],
    });
  });

  it('has no usage key unless include_usage was asked, then usage: null', () => {
    const without = toOpenAiChunk({ delta: { content: 'a' } }, identity, false);
    expect('usage' in without).toBe(false);
    const withUsage = toOpenAiChunk({ delta: { content: 'a' } }, identity, true);
    expect(withUsage).toHaveProperty('usage', null);
  });

  it('keeps an empty content string and a refusal delta', () => {
    const chunk = toOpenAiChunk({ delta: { content: '', refusal: 'No.' } }, identity, false);
    expect(chunk.choices).toEqual([
      { index: 0, delta: { content: '', refusal: 'No.' }, logprobs: null, finish_reason: null },
    ]);
  });

  it('carries a finish reason with an empty delta', () => {
    const chunk = toOpenAiChunk({ finishReason: 'length' }, identity, false);
    expect(chunk.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'length' },
    ]);
  });

  it('maps tool call deltas: the first fragment with id/type/name, then argument fragments', () => {
    const first = toOpenAiChunk(
      {
        delta: {
          toolCalls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
      },
      identity,
      false,
    );
    const next = toOpenAiChunk(
      { delta: { toolCalls: [{ index: 0, function: { arguments: '{"a":' } }] } },
      identity,
      false,
    );
    expect((first.choices as { delta: unknown }[])[0].delta).toEqual({
      tool_calls: [
        { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
      ],
    });
    expect((next.choices as { delta: unknown }[])[0].delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: '{"a":' } }],
    });
  });

  it('adds type function whenever a tool call delta has an id', () => {
    const chunk = toOpenAiChunk(
      { delta: { toolCalls: [{ index: 1, id: 'call_2', function: { name: 'g' } }] } },
      identity,
      false,
    );
    expect((chunk.choices as { delta: unknown }[])[0].delta).toEqual({
      tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'g' } }],
    });
  });

  it('does not alias the function object of the input chunk', () => {
    const fn = { arguments: 'x' };
    const chunk = toOpenAiChunk(
      { delta: { toolCalls: [{ index: 0, function: fn }] } },
      identity,
      false,
    );
    const wire = (chunk.choices as { delta: { tool_calls: { function: object }[] } }[])[0].delta;
    expect(wire.tool_calls[0].function).toEqual(fn);
    expect(wire.tool_calls[0].function).not.toBe(fn);
  });
});

describe('toOpenAiUsageChunk', () => {
  it('is a chunk with no choices and the usage', () => {
    expect(toOpenAiUsageChunk(makeUsage(7, 2, { cachedInputTokens: 4 }), identity)).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'chat',
      system_fingerprint: null,
      choices: [],
      usage: {
        prompt_tokens: 7,
        completion_tokens: 2,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
  });
});

describe('toOpenAiErrorBody', () => {
  it('is the OpenAI error envelope', () => {
    expect(toOpenAiErrorBody(GatewayError.modelNotFound('nope'))).toEqual({
      error: {
        message: "The model 'nope' does not exist or you do not have access to it.",
        type: 'not_found_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
  });
});
