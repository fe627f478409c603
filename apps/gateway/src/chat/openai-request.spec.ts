import { GatewayError } from '@app/core';
import type { ChatCompletionRequestDto } from './dto/chat-completion.dto';
import type { ChatMessageDto } from './dto/message.dto';
import { toChatRequest } from './openai-request';

const user: ChatMessageDto = { role: 'user', content: 'Hi' };

function body(over: Partial<ChatCompletionRequestDto> = {}): ChatCompletionRequestDto {
  return { model: 'default', messages: [user], ...over };
}

function mappingError(dto: ChatCompletionRequestDto): GatewayError {
  try {
    toChatRequest(dto);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected toChatRequest to throw');
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    strict: true,
  },
};

describe('toChatRequest', () => {
  it('maps every sampling and routing field to its camelCase name', () => {
    const request = toChatRequest(
      body({
        temperature: 0.3,
        top_p: 0.9,
        max_tokens: 100,
        stop: ['END', '###'],
        seed: 42,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
        response_format: { type: 'json_object' },
        user: 'end-user-7',
      }),
    );
    expect(request).toEqual({
      model: 'default',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      topP: 0.9,
      maxTokens: 100,
      stop: ['END', '###'],
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      tools: [weatherTool],
      toolChoice: { type: 'function', function: { name: 'get_weather' } },
      parallelToolCalls: false,
      responseFormat: { type: 'json_object' },
      user: 'end-user-7',
    });
  });

  it('leaves out fields the caller did not send (and nulls)', () => {
    const request = toChatRequest(body({ stop: null }));
    expect(request).toEqual({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] });
    expect(Object.keys(request)).toEqual(['model', 'messages']);
  });

  it('keeps zero values (temperature 0, seed 0, penalties 0)', () => {
    const request = toChatRequest(
      body({ temperature: 0, seed: 0, presence_penalty: 0, frequency_penalty: 0 }),
    );
    expect(request).toMatchObject({
      temperature: 0,
      seed: 0,
      presencePenalty: 0,
      frequencyPenalty: 0,
    });
  });

  it('turns a single stop string into an array', () => {
    expect(toChatRequest(body({ stop: 'END' })).stop).toEqual(['END']);
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    expect(toChatRequest(body({ max_tokens: 10, max_completion_tokens: 20 })).maxTokens).toBe(20);
    expect(toChatRequest(body({ max_tokens: 10 })).maxTokens).toBe(10);
    expect(toChatRequest(body({ max_completion_tokens: 30 })).maxTokens).toBe(30);
  });

  it('drops undefined optional tool fields and an empty tools list', () => {
    const request = toChatRequest(
      body({ tools: [{ type: 'function', function: { name: 'ping' } }] }),
    );
    expect(request.tools).toEqual([{ type: 'function', function: { name: 'ping' } }]);
    expect(Object.keys(request.tools![0].function)).toEqual(['name']);
    expect(toChatRequest(body({ tools: [] })).tools).toBeUndefined();
  });

  it.each(['auto', 'none', 'required'] as const)(
    'accepts tool_choice %s without tools',
    (choice) => {
      expect(toChatRequest(body({ tool_choice: choice })).toolChoice).toBe(choice);
    },
  );

  describe('response_format', () => {
    it('maps text and json_object to their type only', () => {
      expect(toChatRequest(body({ response_format: { type: 'text' } })).responseFormat).toEqual({
        type: 'text',
      });
      const jsonObject = toChatRequest(
        body({ response_format: { type: 'json_object', json_schema: { name: 'ignored' } } }),
      );
      expect(jsonObject.responseFormat).toEqual({ type: 'json_object' });
    });

    it('maps json_schema with its schema', () => {
      const schema = { type: 'object', properties: { a: { type: 'number' } } };
      const request = toChatRequest(
        body({
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'answer', description: 'The answer', schema, strict: true },
          },
        }),
      );
      expect(request.responseFormat).toEqual({
        type: 'json_schema',
        jsonSchema: { name: 'answer', description: 'The answer', schema, strict: true },
      });
    });

    it('leaves out undefined json_schema fields', () => {
      const request = toChatRequest(
        body({ response_format: { type: 'json_schema', json_schema: { name: 'answer' } } }),
      );
      expect(request.responseFormat).toEqual({
        type: 'json_schema',
        jsonSchema: { name: 'answer' },
      });
    });
  });

  describe('includeUsage', () => {
    it('is set from stream_options only for streams', () => {
      expect(
        toChatRequest(body({ stream: true, stream_options: { include_usage: true } })).includeUsage,
      ).toBe(true);
      expect(toChatRequest(body({ stream: true })).includeUsage).toBe(false);
      expect(
        toChatRequest(body({ stream: true, stream_options: { include_usage: false } }))
          .includeUsage,
      ).toBe(false);
    });

    it('is absent on non-streaming requests even when stream_options asks', () => {
      const request = toChatRequest(
        body({ stream: false, stream_options: { include_usage: true } }),
      );
      expect('includeUsage' in request).toBe(false);
      expect('includeUsage' in toChatRequest(body())).toBe(false);
    });
  });

  describe('messages', () => {
    it('maps every role, name, text and image parts', () => {
      const request = toChatRequest(
        body({
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'developer', content: 'Answer in French.', name: 'ops' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
                { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
              ],
            },
          ],
        }),
      );
      expect(request.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in French.', name: 'ops' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', imageUrl: { url: 'https://x.test/a.png', detail: 'low' } },
            { type: 'image_url', imageUrl: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ]);
      const lastPart = request.messages[2].content as { imageUrl: object }[];
      expect(Object.keys(lastPart[2].imageUrl)).toEqual(['url']);
    });

    it('maps an assistant turn with tool calls and no content, and its tool result', () => {
      const request = toChatRequest(
        body({
          messages: [
            user,
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
          ],
        }),
      );
      expect(request.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
      ]);
    });

    it('treats missing content on an assistant tool-call turn as null', () => {
      const request = toChatRequest(
        body({
          messages: [
            {
              role: 'assistant',
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
          ],
        }),
      );
      expect(request.messages[0].content).toBeNull();
    });

    it.each(['system', 'developer', 'user', 'tool'] as const)(
      'rejects null content on a %s message, naming messages[i].content',
      (role) => {
        const error = mappingError(
          body({ messages: [user, { role, content: null, tool_call_id: 'c' }] }),
        );
        expect(error.status).toBe(400);
        expect(error.type).toBe('invalid_request_error');
        expect(error.param).toBe('messages[1].content');
        expect(error.message).toContain(`${role} message`);
      },
    );

    it('rejects missing content on a user message', () => {
      expect(mappingError(body({ messages: [{ role: 'user' }] })).param).toBe(
        'messages[0].content',
      );
    });

    it('rejects null content on an assistant message without tool calls', () => {
      const error = mappingError(body({ messages: [{ role: 'assistant', content: null }] }));
      expect(error.param).toBe('messages[0].content');
      const empty = mappingError(
        body({ messages: [{ role: 'assistant', content: null, tool_calls: [] }] }),
      );
      expect(empty.param).toBe('messages[0].content');
    });

    it('rejects a tool message without tool_call_id', () => {
      const error = mappingError(body({ messages: [user, { role: 'tool', content: '42' }] }));
      expect(error.status).toBe(400);
      expect(error.param).toBe('messages[1].tool_call_id');
      expect(error.message).toMatch(/tool_call_id is required/);
    });

    it('rejects tool_calls on a non-assistant message', () => {
      const error = mappingError(
        body({
          messages: [
            {
              role: 'user',
              content: 'x',
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
          ],
        }),
      );
      expect(error.status).toBe(400);
      expect(error.param).toBe('messages[0].tool_calls');
    });
  });

  it('rejects json_schema without json_schema', () => {
    const error = mappingError(body({ response_format: { type: 'json_schema' } }));
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe('response_format.json_schema');
  });

  it('rejects a named tool_choice without tools', () => {
    const named = { type: 'function' as const, function: { name: 'get_weather' } };
    expect(mappingError(body({ tool_choice: named })).param).toBe('tool_choice');
    expect(mappingError(body({ tool_choice: named, tools: [] })).param).toBe('tool_choice');
  });
});
