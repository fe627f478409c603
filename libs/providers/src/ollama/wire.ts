/** Ollama `/api/chat` request shapes (snake_case JSON). */

export interface OllamaToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** base64 image bytes, without a data: prefix */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** tool results: the function that produced this result */
  tool_name?: string;
}

/** The Modelfile parameters the gateway sets per request. */
export interface OllamaOptions {
  temperature?: number;
  top_p?: number;
  num_predict?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface OllamaRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: OllamaTool[];
  /** `json`, or a JSON Schema the output must match */
  format?: 'json' | Record<string, unknown>;
  options?: OllamaOptions;
}
