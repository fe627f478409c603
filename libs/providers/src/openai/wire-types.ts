/**
 * The OpenAI Chat Completions wire format, as far as the gateway writes or reads it. Requests are
 * typed exactly; responses are `unknown` until `response.ts` / `stream.ts` have checked them.
 */

export interface OpenAiTextPart {
  type: 'text';
  text: string;
}

export interface OpenAiImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type OpenAiContentPart = OpenAiTextPart | OpenAiImagePart;

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAiMessage =
  | { role: 'system' | 'developer'; content: string; name?: string }
  | { role: 'user'; content: string | OpenAiContentPart[]; name?: string }
  | { role: 'assistant'; content: string | null; name?: string; tool_calls?: OpenAiToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string };

export interface OpenAiTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type OpenAiToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: {
        name: string;
        description?: string;
        schema?: Record<string, unknown>;
        strict?: boolean;
      };
    };

export interface OpenAiChatRequest {
  model: string;
  messages: OpenAiMessage[];
  temperature?: number;
  top_p?: number;
  /** OpenAI's current name; reasoning models reject `max_tokens` */
  max_completion_tokens?: number;
  /** the legacy name, the only one many OpenAI-compatible servers and old Azure versions know */
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  tools?: OpenAiTool[];
  tool_choice?: OpenAiToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: OpenAiResponseFormat;
  user?: string;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
}

/** `{"error":{"message","type","param","code"}}`; other servers vary (see errors.ts). */
export interface OpenAiErrorObject {
  message?: unknown;
  type?: unknown;
  param?: unknown;
  code?: unknown;
}
