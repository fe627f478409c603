import type { JsonSchemaRule } from '../../http/json-schema.pipe';
import { MESSAGE_ROLES } from './message.dto';

const string = (maxLength?: number) => ({ type: 'string', ...(maxLength ? { maxLength } : {}) });
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['text', 'image_url'] } },
  if: { properties: { type: { const: 'text' } } },
  then: { required: ['text'], properties: { text: { type: 'string' } } },
  else: {
    required: ['image_url'],
    properties: {
      image_url: object({ url: string(), detail: { enum: ['auto', 'low', 'high'] } }, ['url']),
    },
  },
};

const message = object(
  {
    role: { enum: MESSAGE_ROLES },
    content: {
      anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', items: contentPart }],
    },
    name: string(256),
    tool_calls: {
      type: 'array',
      items: object(
        {
          id: string(256),
          type: { const: 'function' },
          function: object({ name: string(256), arguments: string() }, ['name', 'arguments']),
        },
        ['id', 'type', 'function'],
      ),
    },
    tool_call_id: string(256),
  },
  ['role'],
);

/** The request body of `POST /v1/chat/completions` (JSON Schema draft-07, compiled once). */
export const CHAT_COMPLETION_SCHEMA = object(
  {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    messages: { type: 'array', minItems: 1, maxItems: 4096, items: message },
    stream: { type: 'boolean' },
    stream_options: object({ include_usage: { type: 'boolean' } }),
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    max_completion_tokens: { type: 'integer', minimum: 1 },
    stop: {
      anyOf: [
        { type: 'string' },
        { type: 'null' },
        { type: 'array', maxItems: 4, items: { type: 'string' } },
      ],
    },
    seed: { type: 'integer' },
    presence_penalty: { type: 'number', minimum: -2, maximum: 2 },
    frequency_penalty: { type: 'number', minimum: -2, maximum: 2 },
    n: { type: 'integer', minimum: 1, maximum: 1 },
    tools: {
      type: 'array',
      maxItems: 128,
      items: object(
        {
          type: { const: 'function' },
          function: object(
            {
              name: string(64),
              description: string(),
              parameters: { type: 'object' },
              strict: { type: 'boolean' },
            },
            ['name'],
          ),
        },
        ['type', 'function'],
      ),
    },
    tool_choice: {
      anyOf: [
        { enum: ['auto', 'none', 'required'] },
        object({ type: { const: 'function' }, function: object({ name: string() }, ['name']) }, [
          'type',
          'function',
        ]),
      ],
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: object(
      {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        json_schema: object(
          {
            name: string(64),
            description: string(),
            schema: { type: 'object' },
            strict: { type: 'boolean' },
          },
          ['name'],
        ),
      },
      ['type'],
    ),
    user: string(256),
  },
  ['model', 'messages'],
);

/** Messages for the fields whose shape is a choice, where ajv's own words would not help. */
export const CHAT_COMPLETION_RULES: JsonSchemaRule[] = [
  {
    at: /^(messages\[\d+\]\.content)(?:[[.]|$)/,
    message: 'must be a string, an array of content parts, or null',
  },
  { at: /^(stop)(?:\[|$)/, message: 'must be a string, an array of at most 4 strings, or null' },
  {
    at: /^(tool_choice)(?:\.|$)/,
    message: 'must be "auto", "none", "required" or {"type":"function","function":{"name":...}}',
  },
  { at: /^(n)$/, keyword: 'maximum', message: 'only n=1 is supported' },
];
