import {
  makeUsage,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
} from '@app/core';
import { checkResponse, StreamAccumulator } from './output-checks';
import { SchemaValidator } from './schema-validator';

const SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'integer' } },
  required: ['answer'],
  additionalProperties: false,
};

const plain: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
const structured: ChatRequest = {
  ...plain,
  responseFormat: { type: 'json_schema', jsonSchema: { name: 'answer', schema: SCHEMA } },
};

function response(
  content: string | null,
  finishReason: FinishReason = 'stop',
  extra: Partial<ChatResponse['message']> = {},
): ChatResponse {
  return {
    model: 'm',
    message: { role: 'assistant', content, ...extra },
    finishReason,
    usage: makeUsage(3, 2),
  };
}

describe('checkResponse', () => {
  const validator = new SchemaValidator();

  it('finds nothing in a plain answer', () => {
    expect(checkResponse(response('Hello'), plain, validator)).toEqual({ report: {} });
  });

  it('flags an empty answer: no text (blank counts), no tool call, no refusal', () => {
    expect(checkResponse(response(null), plain).report).toEqual({ empty: true });
    expect(checkResponse(response('  \n'), plain).report).toEqual({ empty: true });
    const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    expect(
      checkResponse(response(null, 'tool_calls', { toolCalls: [call] }), plain).report,
    ).toEqual({});
  });

  it('flags an answer cut at the output limit, and refusals (also a content filter stop)', () => {
    expect(checkResponse(response('Once upon a', 'length'), plain).report).toEqual({
      truncated: true,
    });
    expect(
      checkResponse(response(null, 'stop', { refusal: "I can't help with that." }), plain).report,
    ).toEqual({ refusal: true });
    expect(checkResponse(response('', 'content_filter'), plain).report).toEqual({ refusal: true });
  });

  it('validates the text of a JSON answer against the request schema', () => {
    expect(checkResponse(response('{"answer": 42}'), structured, validator)).toEqual({
      report: { schema: 'valid' },
    });
    expect(checkResponse(response('{"answer": "42"}'), structured, validator)).toEqual({
      report: { schema: 'invalid' },
      schemaErrors: ['$.answer: must be integer'],
    });
    expect(checkResponse(response('{"answer": 4', 'length'), structured, validator)).toEqual({
      report: { truncated: true, schema: 'invalid' },
      schemaErrors: ['$: is not valid JSON (cut off at the output limit)'],
    });
    expect(checkResponse(response(''), structured, validator)).toEqual({
      report: { empty: true, schema: 'invalid' },
      schemaErrors: ['$: is not valid JSON'],
    });
  });

  it('does not validate refusals, tool calls, or without a validator', () => {
    const refusal = response(null, 'stop', { refusal: 'No.' });
    expect(checkResponse(refusal, structured, validator).report).toEqual({ refusal: true });
    const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    const tools = response(null, 'tool_calls', { toolCalls: [call] });
    expect(checkResponse(tools, structured, validator).report).toEqual({});
    expect(checkResponse(response('nope'), structured).report).toEqual({});
  });

  it('leaves an answer to a schema that does not compile unchecked', () => {
    const broken: ChatRequest = {
      ...plain,
      responseFormat: {
        type: 'json_schema',
        jsonSchema: { name: 'broken', schema: { type: 'object', required: 'answer' } },
      },
    };
    expect(checkResponse(response('not JSON'), broken, validator)).toEqual({ report: {} });
  });
});

describe('StreamAccumulator', () => {
  const validator = new SchemaValidator();

  const feed = (request: ChatRequest, chunks: ChatChunk[]) => {
    const output = new StreamAccumulator(request);
    for (const chunk of chunks) output.add(chunk);
    return output;
  };

  it('follows text, finish reason and usage chunks to the same checks as a whole answer', () => {
    const opener: ChatChunk = { delta: { role: 'assistant', content: '' } };
    const output = feed(structured, [
      opener,
      { delta: { content: '{"answer":' } },
      { delta: { content: ' 42}' } },
      { finishReason: 'stop' },
      { usage: makeUsage(3, 4) },
    ]);
    expect(output.finishReason).toBe('stop');
    expect(output.check(validator)).toEqual({ report: { schema: 'valid' } });
    const invalid = feed(structured, [{ delta: { content: '{"answer": "no"}' } }]);
    expect(invalid.check(validator)).toEqual({
      report: { schema: 'invalid' },
      schemaErrors: ['$.answer: must be integer'],
    });
  });

  it('finds empty, truncated, refusal and tool-call streams', () => {
    expect(
      feed(plain, [{ delta: { role: 'assistant', content: '' } }, { finishReason: 'stop' }]).check()
        .report,
    ).toEqual({ empty: true });
    expect(
      feed(plain, [{ delta: { content: 'Once' } }, { finishReason: 'length' }]).check().report,
    ).toEqual({ truncated: true });
    expect(
      feed(plain, [{ delta: { refusal: 'No' } }, { finishReason: 'stop' }]).check().report,
    ).toEqual({ refusal: true });
    expect(feed(plain, [{ finishReason: 'content_filter' }]).check().report).toEqual({
      refusal: true,
    });
    const call = {
      index: 0,
      id: 'c',
      type: 'function' as const,
      function: { name: 'f', arguments: '' },
    };
    expect(
      feed(structured, [{ delta: { toolCalls: [call] } }, { finishReason: 'tool_calls' }]).check(
        validator,
      ).report,
    ).toEqual({});
  });

  it('keeps no text when the format asks for no JSON', () => {
    const output = feed(plain, [{ delta: { content: 'x'.repeat(10_000) } }]);
    expect(output.check(validator)).toEqual({ report: {} });
    // nothing to validate: the text of a plain stream is never accumulated
    expect(JSON.stringify(output).length).toBeLessThan(500);
  });
});
