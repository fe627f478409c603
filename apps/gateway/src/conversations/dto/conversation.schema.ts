/** `POST /v1/conversations` */
export const CREATE_CONVERSATION_SCHEMA = {
  type: 'object',
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    system: { type: 'string', maxLength: 100_000 },
    title: { type: 'string', maxLength: 512 },
    metadata: {
      type: 'object',
      maxProperties: 32,
      additionalProperties: { type: 'string', maxLength: 1024 },
    },
    prompt: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 128 },
        version: { type: 'integer', minimum: 1 },
        label: { type: 'string', minLength: 1, maxLength: 128 },
        variables: { type: 'object' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

export interface CreateConversationDto {
  model?: string;
  system?: string;
  title?: string;
  metadata?: Record<string, string>;
  prompt?: { name: string; version?: number; label?: string; variables?: Record<string, unknown> };
}

/** `POST /v1/conversations/{id}/messages`: the user's turn; the reply streams unless `stream: false`. */
export const POST_MESSAGE_SCHEMA = {
  type: 'object',
  properties: {
    content: { type: 'string', minLength: 1 },
    stream: { type: 'boolean' },
    max_tokens: { type: 'integer', minimum: 1 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
  },
  required: ['content'],
  additionalProperties: false,
};

export interface PostMessageDto {
  content: string;
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
}

/** `GET /v1/conversations?limit=&before=` */
export interface ListConversationsQuery {
  limit?: string;
  before?: string;
}
