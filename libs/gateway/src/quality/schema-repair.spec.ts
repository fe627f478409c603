import { upstreamError, type ChatRequest } from '@app/core';
import { repairInstruction, repairRequest, schemaMismatchError } from './schema-repair';

const request: ChatRequest = {
  model: 'extract',
  messages: [
    { role: 'system', content: 'Extract the person.' },
    { role: 'user', content: 'Ada Lovelace, born 1815.' },
  ],
  temperature: 0,
  maxTokens: 200,
  responseFormat: {
    type: 'json_schema',
    jsonSchema: { name: 'person', schema: { type: 'object' }, strict: true },
  },
};

describe('repairRequest', () => {
  it('extends the conversation with the invalid answer and the errors, keeping the rest', () => {
    const invalid = '{"name": "Ada Lovelace", "born": "1815"}';
    const repair = repairRequest(request, invalid, [
      '$.born: must be integer',
      '$.age: is required',
    ]);
    expect(repair).toEqual({ ...request, messages: expect.any(Array) });
    expect(repair.responseFormat).toBe(request.responseFormat);
    expect(repair.messages.slice(0, 2)).toEqual(request.messages);
    expect(repair.messages[2]).toEqual({ role: 'assistant', content: invalid });
    expect(repair.messages[3]).toEqual({
      role: 'user',
      content:
        "Your previous answer does not match the response_format JSON schema 'person'. Validation errors:\n" +
        '- $.born: must be integer\n' +
        '- $.age: is required\n' +
        'Reply with only the corrected JSON, matching the schema exactly: no other text, no code fences.',
    });
    expect(repair.messages).toHaveLength(4);
    // the caller's request is not changed
    expect(request.messages).toHaveLength(2);
  });

  it('leaves out an empty answer and says when the answer was cut off', () => {
    const repair = repairRequest(request, '  ', ['$: is not valid JSON'], { truncated: true });
    expect(repair.messages.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect(repair.messages[2].content).toContain(
      'It was cut off at the output limit: answer more briefly.',
    );
  });

  it('asks a json_object request for a JSON object, and lists at most eight errors', () => {
    const errors = Array.from({ length: 10 }, (_, i) => `$.f${i}: is required`);
    const text = repairInstruction({ type: 'json_object' }, errors);
    expect(text).toContain('is not the JSON object response_format asks for');
    expect(text).toContain('- $.f7: is required\n- and 2 more\n');
    expect(text).not.toContain('$.f8');
    expect(text).toContain('Reply with only a valid JSON object');
  });
});

describe('schemaMismatchError', () => {
  it('is a 502 output_schema_mismatch naming the paths and the repairs', () => {
    const error = schemaMismatchError(request.responseFormat, ['$.born: must be integer'], 1);
    expect(error.toJSON()).toEqual({
      error: {
        message:
          "The model's answer does not match the response_format JSON schema 'person' after 1 repair attempt: $.born: must be integer",
        type: 'api_error',
        param: 'response_format',
        code: 'output_schema_mismatch',
      },
    });
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(false);
  });

  it('says when there was no repair, several, or the last repair request failed', () => {
    expect(schemaMismatchError({ type: 'json_object' }, ['$: is not valid JSON'], 0).message).toBe(
      "The model's answer is not the JSON object response_format asks for: $: is not valid JSON",
    );
    const overloaded = upstreamError({ provider: 'p', status: 503, message: 'busy' });
    const busy = schemaMismatchError(request.responseFormat, ['$: x'], 2, overloaded);
    expect(busy.message).toContain(
      'after 2 repair attempts (the last repair request failed: upstream_overloaded)',
    );
  });
});
