import { GatewayError } from '@app/core';
import { jsonFixture } from './fixtures/replay';
import { fromOpenAiResponse } from './response';

const FIXTURES = `${__dirname}/fixtures`;
const context = { provider: 'openai-us', requestedModel: 'gpt-4o-mini' };
const read = (name: string) => fromOpenAiResponse(jsonFixture(FIXTURES, name), context);

describe('fromOpenAiResponse', () => {
  it('reads text, the answering model, the id and usage with cached tokens', () => {
    expect(read('response-text.json')).toEqual({
      id: 'chatcmpl-CbK2pZ8q7f1mXvW3nQ0rT5yUeLsA9',
      model: 'gpt-4o-mini-2024-07-18',
      message: {
        role: 'assistant',
        content: 'Your order #4411 shipped yesterday and should arrive on Friday.',
      },
      finishReason: 'stop',
      usage: { inputTokens: 1843, outputTokens: 15, totalTokens: 1858, cachedInputTokens: 1664 },
    });
  });

  it('reads parallel tool calls', () => {
    const response = read('response-tool-calls.json');
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'call_Vq3kR8sNf2LpXz6YbT1mWc9D',
          type: 'function',
          function: { name: 'get_order_status', arguments: '{"order_id":"4411"}' },
        },
        {
          id: 'call_H7gJ2kL9pQ4rS1tU6vW3xY8Z',
          type: 'function',
          function: { name: 'get_shipping_eta', arguments: '{"order_id":"4411","country":"DE"}' },
        },
      ],
    });
  });

  it('reads a refusal', () => {
    const response = read('response-refusal.json');
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: "I'm sorry, I can't help with that request.",
    });
    expect(response.finishReason).toBe('stop');
  });

  it('reads length with reasoning tokens', () => {
    const response = read('response-reasoning-length.json');
    expect(response.finishReason).toBe('length');
    expect(response.message.content).toBe('');
    expect(response.usage).toEqual({
      inputTokens: 64,
      outputTokens: 256,
      totalTokens: 320,
      reasoningTokens: 256,
    });
  });

  it('reads content_filter', () => {
    expect(read('response-content-filter.json').finishReason).toBe('content_filter');
  });

  it('maps the legacy function_call to a tool call', () => {
    const response = read('response-function-call.json');
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.toolCalls).toEqual([
      {
        id: 'call_0',
        type: 'function',
        function: { name: 'get_order_status', arguments: '{\n  "order_id": "4411"\n}' },
      },
    ]);
    expect(response.usage).toEqual({ inputTokens: 82, outputTokens: 18, totalTokens: 100 });
  });

  it('reports zeros flagged estimated when the body has no usage, and the asked model', () => {
    const response = fromOpenAiResponse(
      { choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: null }] },
      context,
    );
    expect(response.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      estimated: true,
    });
    expect(response.model).toBe('gpt-4o-mini');
    expect(response.finishReason).toBe('stop');
    expect(response).not.toHaveProperty('id');
  });

  it.each([
    ['a string', 'upstream says hi'],
    ['null', null],
    ['no choices', { id: 'x', choices: [] }],
    ['a choice without message', { choices: [{ index: 0, finish_reason: 'stop' }] }],
  ])('rejects a malformed body (%s) as a retryable bad response', (_name, body) => {
    let error: unknown;
    try {
      fromOpenAiResponse(body, context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_bad_response',
      retryable: true,
      provider: 'openai-us',
    });
  });

  it('tolerates content-part arrays, object arguments and missing tool call ids', () => {
    const response = fromOpenAiResponse(
      {
        model: 'local',
        choices: [
          {
            message: {
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
              tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }, { function: {} }],
            },
          },
        ],
      },
      context,
    );
    expect(response.message).toEqual({
      role: 'assistant',
      content: 'ab',
      toolCalls: [
        { id: 'call_0', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      ],
    });
    expect(response.finishReason).toBe('tool_calls');
  });
});
