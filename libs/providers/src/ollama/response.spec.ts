import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromOllamaResponse } from './response';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));
const context = { provider: 'ollama-test', model: 'requested' };
const read = (name: string) => fromOllamaResponse(fixture(name), context);

describe('fromOllamaResponse', () => {
  it('maps a text answer with its token counts', () => {
    expect(read('response-text.json')).toEqual({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'Hello! How can I help you today?' },
      finishReason: 'stop',
      usage: { inputTokens: 11, outputTokens: 18, totalTokens: 29 },
    });
  });

  it('maps tool calls with object arguments and made-up ids', () => {
    const response = read('response-tool-calls.json');
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'call_0',
          type: 'function',
          function: {
            name: 'get_current_weather',
            arguments: '{"format":"celsius","location":"Paris, FR"}',
          },
        },
        {
          id: 'call_1',
          type: 'function',
          function: {
            name: 'get_current_weather',
            arguments: '{"format":"celsius","location":"Tokyo, JP"}',
          },
        },
      ],
    });
    expect(response.usage).toEqual({ inputTokens: 122, outputTokens: 33, totalTokens: 155 });
  });

  it('maps length, leaving the thinking out of the content', () => {
    const response = read('response-length.json');
    expect(response.finishReason).toBe('length');
    expect(response.message.content).toBe('Once upon a time, in a valley between two');
  });

  it('maps a load-only answer (no counts) to an empty stop', () => {
    expect(read('response-load.json')).toEqual({
      model: 'llama3.2',
      message: { role: 'assistant', content: '' },
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    });
  });

  it('accepts arguments already serialised and falls back to the requested model', () => {
    const body = {
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_x', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      done: true,
    };
    const response = fromOllamaResponse(body, context);
    expect(response.model).toBe('requested');
    expect(response.message.toolCalls).toEqual([
      { id: 'call_x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    ]);
  });

  it.each([
    ['a string', 'oops'],
    ['no done flag', { message: { content: 'x' } }],
    ['an unfinished answer', { message: { content: 'x' }, done: false }],
    ['content not a string', { message: { content: 3 }, done: true }],
    ['tool_calls not an array', { message: { content: '', tool_calls: {} }, done: true }],
    [
      'a nameless tool call',
      { message: { content: '', tool_calls: [{ function: {} }] }, done: true },
    ],
    [
      'arguments of the wrong type',
      {
        message: { content: '', tool_calls: [{ function: { name: 'f', arguments: 3 } }] },
        done: true,
      },
    ],
  ])('rejects a malformed body (%s) as upstream_bad_response', (_label, body) => {
    expect(() => fromOllamaResponse(body, context)).toThrow(
      expect.objectContaining({ status: 502, code: 'upstream_bad_response', retryable: true }),
    );
  });
});
