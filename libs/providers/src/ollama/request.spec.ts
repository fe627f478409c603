import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest, Message } from '@app/core';
import { toOllamaRequest } from './request';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';
const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    strict: true,
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
    },
  },
};
const time = { type: 'function' as const, function: { name: 'get_time' } };
const user = (content: string): Message => ({ role: 'user', content });

describe('toOllamaRequest', () => {
  it('maps a full conversation to the recorded wire request', () => {
    const request: ChatRequest = {
      model: 'llama3.2-vision:11b',
      messages: [
        { role: 'system', content: 'You are a concise travel assistant.' },
        { role: 'developer', content: 'Always use metric units.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the weather in Paris? ' },
            { type: 'text', text: 'Here is my ticket:' },
            { type: 'image_url', imageUrl: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            {
              id: 'call_0',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'call_0',
          content: '{"temperature":18,"conditions":"cloudy"}',
        },
        { role: 'assistant', content: 'Paris is cloudy at 18 °C.' },
        user('Answer as JSON.'),
      ],
      temperature: 0,
      topP: 0.9,
      maxTokens: 256,
      stop: ['<|eot_id|>'],
      seed: 101,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      tools: [weather],
      toolChoice: 'auto',
      parallelToolCalls: true,
      responseFormat: {
        type: 'json_schema',
        jsonSchema: {
          name: 'weather',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, temperature_c: { type: 'number' } },
            required: ['city', 'temperature_c'],
          },
        },
      },
      user: 'end-user-42',
      includeUsage: true,
    };
    expect(toOllamaRequest(request, { stream: true })).toEqual(
      fixture('request-conversation.json'),
    );
  });

  it('sends no options for a bare request', () => {
    expect(
      toOllamaRequest({ model: 'llama3.2', messages: [user('Hi')] }, { stream: false }),
    ).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }], stream: false });
  });

  it('asks for json for json_object and schema-less json_schema', () => {
    const base = { model: 'llama3.2', messages: [user('Hi')] };
    expect(
      toOllamaRequest({ ...base, responseFormat: { type: 'json_object' } }, { stream: false })
        .format,
    ).toBe('json');
    expect(
      toOllamaRequest(
        { ...base, responseFormat: { type: 'json_schema', jsonSchema: { name: 'x' } } },
        { stream: false },
      ).format,
    ).toBe('json');
    expect(
      toOllamaRequest({ ...base, responseFormat: { type: 'text' } }, { stream: false }).format,
    ).toBeUndefined();
  });

  it('approximates tool_choice, which Ollama lacks', () => {
    const base = { model: 'llama3.2', messages: [user('Hi')], tools: [weather, time] };
    const names = (req: ChatRequest) =>
      toOllamaRequest(req, { stream: false }).tools?.map((tool) => tool.function.name);
    expect(names({ ...base, toolChoice: 'none' })).toBeUndefined();
    expect(
      names({ ...base, toolChoice: { type: 'function', function: { name: 'get_time' } } }),
    ).toEqual(['get_time']);
    expect(names({ ...base, toolChoice: 'required' })).toEqual(['get_weather', 'get_time']);
  });

  it('rejects image URLs Ollama cannot fetch and non-object tool arguments', () => {
    const image: ChatRequest = {
      model: 'llava',
      messages: [
        { role: 'user', content: [{ type: 'image_url', imageUrl: { url: 'https://x/y.png' } }] },
      ],
    };
    expect(() => toOllamaRequest(image, { stream: false })).toThrow(/base64 data: URLs only/);
    const args: ChatRequest = {
      model: 'llama3.2',
      messages: [
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'nope' } }],
        },
      ],
    };
    expect(() => toOllamaRequest(args, { stream: false })).toThrow(/not a JSON object/);
  });
});
