/** Which version to use and the values of its variables (`render` and `completions`). */
const selection = {
  version: { type: 'integer', minimum: 1 },
  label: { type: 'string', minLength: 1, maxLength: 128 },
  variables: { type: 'object' },
  user: { type: 'string', maxLength: 256 },
};

export const PROMPT_RENDER_SCHEMA = {
  type: 'object',
  properties: selection,
  additionalProperties: false,
};

/** `completions` also takes the stream switch and overrides of the version's model and parameters. */
export const PROMPT_COMPLETION_SCHEMA = {
  type: 'object',
  properties: {
    ...selection,
    model: { type: 'string', minLength: 1, maxLength: 256 },
    stream: { type: 'boolean' },
    stream_options: {
      type: 'object',
      properties: { include_usage: { type: 'boolean' } },
      additionalProperties: false,
    },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    seed: { type: 'integer' },
  },
  additionalProperties: false,
};

export interface PromptRenderDto {
  version?: number;
  label?: string;
  variables?: Record<string, unknown>;
  user?: string;
}

export interface PromptCompletionDto extends PromptRenderDto {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
}
