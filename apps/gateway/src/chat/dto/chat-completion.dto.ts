import type { ChatMessageDto } from './message.dto';

/**
 * `POST /v1/chat/completions`, as the OpenAI API defines it. The shape is enforced by the JSON
 * Schema in chat-completion.schema.ts; unknown fields are ignored.
 */
export interface ChatCompletionRequestDto {
  model: string;
  messages: ChatMessageDto[];
  stream?: boolean;
  stream_options?: StreamOptionsDto;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[] | null;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  /** only one choice is supported */
  n?: number;
  tools?: ToolDto[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormatDto;
  user?: string;
}

export interface FunctionDefinitionDto {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export interface ToolDto {
  type: 'function';
  function: FunctionDefinitionDto;
}

export interface JsonSchemaFormatDto {
  name: string;
  description?: string;
  schema?: Record<string, unknown>;
  strict?: boolean;
}

export interface ResponseFormatDto {
  type: 'text' | 'json_object' | 'json_schema';
  json_schema?: JsonSchemaFormatDto;
}

export interface StreamOptionsDto {
  include_usage?: boolean;
}
