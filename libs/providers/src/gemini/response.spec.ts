import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '@app/core';
import { fromGeminiResponse } from './response';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));
const context = { provider: 'gemini-test', model: 'gemini-requested' };
const read = (name: string) => fromGeminiResponse(fixture(name), context);

describe('fromGeminiResponse', () => {
  it('maps a text answer with usage and the served model version', () => {
    expect(read('response-text.json')).toEqual({
      id: 'Jl5nadmGCcWYz7IPhvXa-Qo',
      model: 'gemini-2.0-flash',
      message: { role: 'assistant', content: 'The capital of France is Paris.' },
      finishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 8, totalTokens: 17 },
    });
  });

  it('leaves thought summaries out and counts thoughts as reasoning output, cache as input', () => {
    const response = read('response-thinking-cached.json');
    expect(response.message.content).toBe(
      "Clause 7 lets either party end the contract with 30 days' notice; clause 9 renews it yearly unless that notice is given.",
    );
    expect(response.usage).toEqual({
      inputTokens: 41230,
      outputTokens: 27 + 612,
      totalTokens: 41869,
      cachedInputTokens: 40960,
      reasoningTokens: 612,
    });
  });

  it('maps parallel function calls with made-up ids, carrying the thought signature', () => {
    const response = read('response-tool-calls.json');
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: 'call_0__thought__CqUCAdHtim9Kj0u3mxtBwQ1v3z8dF0sLq2vXo9Xv1QkF8y+6z7Jb8v0=',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        },
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
        },
      ],
    });
    expect(response.usage).toEqual({
      inputTokens: 96,
      outputTokens: 205,
      totalTokens: 301,
      reasoningTokens: 171,
    });
  });

  it('uses the id Gemini sends for a function call, next to text', () => {
    const response = read('response-tool-call-with-id.json');
    expect(response.message.content).toBe('Let me look that order up.');
    expect(response.message.toolCalls?.[0].id).toBe('fc_6f1c2b9e');
    expect(response.finishReason).toBe('tool_calls');
  });

  it('maps MAX_TOKENS to length', () => {
    expect(read('response-max-tokens.json').finishReason).toBe('length');
  });

  it('maps a safety stop without content to content_filter with empty content', () => {
    const response = read('response-safety.json');
    expect(response.finishReason).toBe('content_filter');
    expect(response.message.content).toBe('');
    expect(response.usage).toEqual({ inputTokens: 18, outputTokens: 0, totalTokens: 18 });
  });

  it('maps a blocked prompt (no candidates) to content_filter', () => {
    expect(read('response-prompt-blocked.json')).toEqual({
      id: 'PGVna5zxG6aMz7IPj8bA-Ac',
      model: 'gemini-2.0-flash',
      message: { role: 'assistant', content: '' },
      finishReason: 'content_filter',
      usage: { inputTokens: 25, outputTokens: 0, totalTokens: 25 },
    });
  });

  it('turns an empty MALFORMED_FUNCTION_CALL into a retryable error that quotes nothing', () => {
    let error: unknown;
    try {
      read('response-malformed-function-call.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
    expect((error as Error).message).toContain('MALFORMED_FUNCTION_CALL');
    expect((error as Error).message).not.toContain('Paris');
  });

  const body = (finishReason: string, parts: unknown[] = [{ text: 'partial' }]) => ({
    candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }],
  });
  const call = { functionCall: { name: 'f', args: {} } };

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['IMAGE_SAFETY', 'content_filter'],
    ['LANGUAGE', 'stop'],
    ['OTHER', 'stop'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
    ['UNEXPECTED_TOOL_CALL', 'stop'],
    ['FINISH_REASON_UNSPECIFIED', 'stop'],
    ['SOMETHING_NEW', 'stop'],
  ])('maps finishReason %s with content to %s', (reason, expected) => {
    expect(fromGeminiResponse(body(reason), context).finishReason).toBe(expected);
  });

  it.each(['STOP', 'OTHER'])(
    'reports tool_calls for %s when function calls are present',
    (reason) => {
      expect(fromGeminiResponse(body(reason, [call]), context).finishReason).toBe('tool_calls');
    },
  );

  it.each(['OTHER', 'LANGUAGE', 'FINISH_REASON_UNSPECIFIED'])(
    'fails an empty answer ending with %s',
    (reason) => {
      expect(() => fromGeminiResponse(body(reason, []), context)).toThrow(/no content/);
    },
  );

  it('falls back to the requested model and zero usage', () => {
    const response = fromGeminiResponse(body('STOP'), context);
    expect(response.model).toBe('gemini-requested');
    expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(response.id).toBeUndefined();
  });

  it.each([
    ['a string', 'oops'],
    ['no candidates and no block reason', { usageMetadata: {} }],
    ['candidates not an array', { candidates: {} }],
    ['parts not an array', { candidates: [{ content: { parts: 'x' } }] }],
    ['text not a string', { candidates: [{ content: { parts: [{ text: 3 }] } }] }],
    ['a nameless function call', { candidates: [{ content: { parts: [{ functionCall: {} }] } }] }],
    [
      'args not an object',
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: [] } }] } }] },
    ],
  ])('rejects a malformed body (%s) as upstream_bad_response', (_label, malformed) => {
    expect(() => fromGeminiResponse(malformed, context)).toThrow(
      expect.objectContaining({ status: 502, code: 'upstream_bad_response', retryable: true }),
    );
  });
});
