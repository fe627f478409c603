import { GatewayError } from '@app/core';
import type { ChatCompletionRequestDto } from '../chat/dto/chat-completion.dto';
import { CHAT_COMPLETION_RULES, CHAT_COMPLETION_SCHEMA } from '../chat/dto/chat-completion.schema';
import { JsonSchemaPipe, paramOf } from './json-schema.pipe';

const pipe = () =>
  new JsonSchemaPipe<ChatCompletionRequestDto>(CHAT_COMPLETION_SCHEMA, CHAT_COMPLETION_RULES);
const ok = { model: 'default', messages: [{ role: 'user', content: 'Hi' }] };

async function rejection(value: unknown) {
  try {
    pipe().transform(value);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the pipe to reject');
}

describe('JsonSchemaPipe with the chat completion schema', () => {
  it('passes a valid body through, ignoring unknown fields and keeping free-form JSON', async () => {
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    };
    const value = pipe().transform({
      ...ok,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
          ],
          unknown_message_field: true,
        },
      ],
      unknown_top_level: 'dropped',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object', additionalProperties: false } },
      },
    });

    expect(value.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
    ]);
    expect(value.tools![0].function.parameters).toEqual(parameters);
    expect(value.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(value.response_format!.json_schema!.schema).toEqual({
      type: 'object',
      additionalProperties: false,
    });
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [ok]],
    ['a number', 42],
  ])('rejects %s as the body', async (_name, body) => {
    const error = await rejection(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBeNull();
    expect(error.message).toBe('The request body must be a JSON object.');
  });

  it('turns JSON pointers into params', () => {
    expect(paramOf('/messages/0/tool_calls/1/function', 'name')).toBe(
      'messages[0].tool_calls[1].function.name',
    );
  });

  it('names a missing top-level field', async () => {
    const error = await rejection({ model: 'default' });
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe('messages');
    expect(error.message).toMatch(/^Invalid request: messages .+\.$/);
  });

  it('names a field inside an array element: messages[0].role', async () => {
    const error = await rejection({ ...ok, messages: [{ role: 'robot', content: 'x' }] });
    expect(error.param).toBe('messages[0].role');
    expect(error.message).toMatch(/^Invalid request: messages\[0\]\.role must be one of/);
  });

  it('names a field of a later element', async () => {
    const error = await rejection({
      ...ok,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 5 },
      ],
    });
    expect(error.param).toBe('messages[1].content');
    expect(error.message).toContain(
      'messages[1].content: must be a string, an array of content parts, or null',
    );
  });

  it('names a field in nested objects: response_format.json_schema.name', async () => {
    const error = await rejection({
      ...ok,
      response_format: { type: 'json_schema', json_schema: { strict: true } },
    });
    expect(error.param).toBe('response_format.json_schema.name');
    expect(error.message).toMatch(/^Invalid request: response_format\.json_schema\.name /);
  });

  it('names a field deep in arrays and objects: tools[0].function.name', async () => {
    const error = await rejection({
      ...ok,
      tools: [{ type: 'function', function: { name: 'x'.repeat(65) } }],
    });
    expect(error.param).toBe('tools[0].function.name');
  });

  it('reports range and custom-validator problems', async () => {
    expect((await rejection({ ...ok, temperature: 3 })).param).toBe('temperature');
    expect((await rejection({ ...ok, stop: ['a', 'b', 'c', 'd', 'e'] })).param).toBe('stop');
    expect((await rejection({ ...ok, tool_choice: 'sometimes' })).param).toBe('tool_choice');
    const n = await rejection({ ...ok, n: 2 });
    expect(n.param).toBe('n');
    expect(n.message).toBe('Invalid request: n: only n=1 is supported.');
  });
});
