import type { ChatResponse } from '@app/core';
import { badResponse } from '../wire/json-guards';
import { ollamaFinishReason, readOllamaLine, toToolCall } from './line';

export interface OllamaResponseContext {
  provider: string;
  /** the model the request named, used when the body has none */
  model: string;
}

/** A non-streamed `/api/chat` answer (one object with `done: true`) to a ChatResponse. */
export function fromOllamaResponse(body: unknown, context: OllamaResponseContext): ChatResponse {
  const line = readOllamaLine(body, context.provider);
  if (!line.done || !line.usage) throw badResponse(context.provider, 'the answer is not done');
  const toolCalls = line.toolCalls.map(toToolCall);
  return {
    model: line.model ?? context.model,
    message: {
      role: 'assistant',
      content: line.content || (toolCalls.length > 0 ? null : ''),
      ...(toolCalls.length > 0 && { toolCalls }),
    },
    finishReason: ollamaFinishReason(line.doneReason, toolCalls.length > 0),
    usage: line.usage,
  };
}
