import { GatewayError } from '@app/core';
import { loadJson } from './fixtures/load-fixture';
import { fromAnthropicResponse } from './response';

function badBody(body: unknown): GatewayError {
  try {
    fromAnthropicResponse(body, 'anthropic-eu');
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('fromAnthropicResponse', () => {
  it('maps text, end_turn and usage with cache reads and writes counted in the input', () => {
    expect(fromAnthropicResponse(loadJson('response-text-cached.json'))).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      message: {
        role: 'assistant',
        content: 'Your order #4411 shipped on Tuesday and should arrive by Friday.',
      },
      finishReason: 'stop',
      usage: {
        inputTokens: 21 + 188 + 1800,
        outputTokens: 17,
        totalTokens: 21 + 188 + 1800 + 17,
        cachedInputTokens: 1800,
        cacheWriteTokens: 188,
      },
    });
  });

  it('maps text and parallel tool_use blocks to tool calls with JSON string arguments', () => {
    const response = fromAnthropicResponse(loadJson('response-tool-use.json'));
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.content).toBe("I'll check the weather in both cities.");
    expect(response.message.toolCalls).toEqual([
      {
        id: 'toolu_01A09q90qw90lq917835lq9',
        type: 'function',
        function: {
          name: 'get_weather',
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
      },
      {
        id: 'toolu_01B7Zt3mqPVqk1Ls8Hn2wQxR',
        type: 'function',
        function: {
          name: 'get_weather',
          arguments: '{"location":"New York, NY","unit":"celsius"}',
        },
      },
    ]);
    expect(response.usage).toEqual({ inputTokens: 472, outputTokens: 121, totalTokens: 593 });
  });

  it('gives null content next to tool calls without text, and reads null cache counts as 0', () => {
    const response = fromAnthropicResponse(loadJson('response-tool-use-only.json'));
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'toolu_01Y4sVqW5xLcHcM1b3r5tP8J',
          type: 'function',
          function: { name: 'lookup_order', arguments: '{}' },
        },
      ],
    });
    expect(response.usage).toEqual({ inputTokens: 390, outputTokens: 38, totalTokens: 428 });
  });

  it('skips thinking blocks and reports thinking tokens as reasoning tokens', () => {
    const response = fromAnthropicResponse(loadJson('response-thinking.json'));
    expect(response.message.content).toBe(
      'I can see the duplicate charge; it will be refunded automatically within 5 business days.',
    );
    expect(response.usage).toEqual({
      inputTokens: 96,
      outputTokens: 312,
      totalTokens: 408,
      reasoningTokens: 268,
    });
  });

  it('skips server-tool blocks of a paused turn', () => {
    const response = fromAnthropicResponse(loadJson('response-pause-turn.json'));
    expect(response.message).toEqual({
      role: 'assistant',
      content: 'Let me search for the latest release notes.',
    });
    expect(response.finishReason).toBe('stop');
  });

  it('maps a refusal to content_filter with its explanation', () => {
    const response = fromAnthropicResponse(loadJson('response-refusal.json'));
    expect(response.finishReason).toBe('content_filter');
    expect(response.message).toEqual({
      role: 'assistant',
      content: '',
      refusal: 'The request could enable the development of malware.',
    });
  });

  it.each([
    ['response-max-tokens.json', 'length'],
    ['response-stop-sequence.json', 'stop'],
    ['response-text-cached.json', 'stop'],
    ['response-tool-use.json', 'tool_calls'],
    ['response-refusal.json', 'content_filter'],
    ['response-pause-turn.json', 'stop'],
  ])('%s finishes with %s', (fixture, finish) => {
    expect(fromAnthropicResponse(loadJson(fixture)).finishReason).toBe(finish);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    [null, 'stop'],
  ])('stop_reason %s -> %s', (stopReason, finish) => {
    const body = { ...(loadJson('response-max-tokens.json') as object), stop_reason: stopReason };
    expect(fromAnthropicResponse(body).finishReason).toBe(finish);
  });

  it.each([
    ['not an object', 'oops'],
    ['an error body', loadJson('error-overloaded.json')],
    ['no content', { type: 'message', usage: { input_tokens: 1, output_tokens: 1 } }],
    ['no usage', { type: 'message', content: [] }],
    ['a bad block', { content: [null], usage: {} }],
    ['a text block without text', { content: [{ type: 'text' }], usage: {} }],
    ['a tool_use without id', { content: [{ type: 'tool_use', name: 'f' }], usage: {} }],
  ])('throws upstream_bad_response for %s', (_what, body) => {
    expect(badBody(body)).toMatchObject({
      status: 502,
      code: 'upstream_bad_response',
      retryable: true,
      provider: 'anthropic-eu',
    });
  });
});
