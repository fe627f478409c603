import type { Message, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from './messages';
import type { Usage } from './usage';

/** A chat request as the gateway understands it, independent of any provider's wire format. */
export interface ChatRequest {
  /** The caller's model name (a route or deployment) before routing; the provider's model after. */
  model: string;
  messages: Message[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /** end-user id, forwarded for abuse monitoring */
  user?: string;
  /** streaming: ask the upstream for a final usage report (the gateway always does) */
  includeUsage?: boolean;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  toolCalls?: ToolCall[];
  refusal?: string;
}

export interface ChatResponse {
  /** the upstream's response id, when it gives one */
  id?: string;
  /** the model the upstream says answered */
  model: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  usage: Usage;
}

/** A fragment of a streamed tool call; `index` ties fragments of one call together. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/**
 * One normalised stream event. A provider stream emits any number of chunks with `delta`, one
 * with `finishReason`, and (when the upstream reports it) one with `usage`, then completes.
 * A stream that errors has not finished, whatever it emitted before.
 */
export interface ChatChunk {
  id?: string;
  model?: string;
  delta?: { role?: 'assistant'; content?: string; toolCalls?: ToolCallDelta[]; refusal?: string };
  finishReason?: FinishReason;
  usage?: Usage;
}
