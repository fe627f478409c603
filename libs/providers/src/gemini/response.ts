import { makeUsage, type ChatResponse, type ToolCall } from '@app/core';
import { readGeminiChunk, type GeminiFunctionCall } from './chunk';
import { geminiFinishReason } from './finish-reason';
import { badResponse } from '../wire/json-guards';
import { toolCallId } from './tool-call-id';

export interface GeminiResponseContext {
  provider: string;
  /** the model the request named, used when the body has no `modelVersion` */
  model: string;
}

/** A non-streamed GenerateContentResponse to a ChatResponse (first candidate only). */
export function fromGeminiResponse(body: unknown, context: GeminiResponseContext): ChatResponse {
  const chunk = readGeminiChunk(body, context.provider);
  const base = {
    ...(chunk.id && { id: chunk.id }),
    model: chunk.model ?? context.model,
    usage: chunk.usage ?? makeUsage(0, 0),
  };
  if (!chunk.hasCandidate) {
    // A blocked prompt has promptFeedback and no candidate: an empty, filtered answer.
    if (!chunk.blockReason) throw badResponse(context.provider, 'no candidates');
    return {
      ...base,
      message: { role: 'assistant', content: '' },
      finishReason: 'content_filter',
    };
  }
  const toolCalls = chunk.functionCalls.map(toToolCall);
  const finishReason = geminiFinishReason({
    provider: context.provider,
    reason: chunk.finishReason ?? 'FINISH_REASON_UNSPECIFIED',
    hasText: chunk.text.length > 0,
    hasToolCalls: toolCalls.length > 0,
  });
  return {
    ...base,
    message: {
      role: 'assistant',
      content: chunk.text || (toolCalls.length > 0 ? null : ''),
      ...(toolCalls.length > 0 && { toolCalls }),
    },
    finishReason,
  };
}

export function toToolCall(call: GeminiFunctionCall, index: number): ToolCall {
  return {
    id: toolCallId(index, call.id, call.thoughtSignature),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  };
}
