import type { ChatChunk, ToolCallDelta, Usage } from '@app/core';
import { parseEventJson, type StreamMapper, type WireEvent } from '../transport';
import { readGeminiChunk, type GeminiChunk } from './chunk';
import { geminiStreamError } from './errors';
import { geminiFinishReason } from './finish-reason';
import { isObject } from '../wire/json-guards';
import { toToolCall } from './response';

export interface GeminiStreamState {
  id?: string;
  model?: string;
  /** the latest usageMetadata; Gemini repeats it and completes it in the last event */
  usage?: Usage;
  toolCalls: number;
  sentRole: boolean;
  sentText: boolean;
  finished: boolean;
}

/**
 * `streamGenerateContent?alt=sse`: every `data:` event is a whole GenerateContentResponse holding
 * the next piece of text or whole function calls; there is no `[DONE]`. The event that carries a
 * finishReason (or a blocked prompt's promptFeedback) ends the answer; a body that ends before it
 * was cut. Usage is sent once, at the end, from the last usageMetadata seen.
 */
export function geminiStreamMapper(provider: string): StreamMapper<GeminiStreamState> {
  return {
    provider,
    createState: () => ({ toolCalls: 0, sentRole: false, sentText: false, finished: false }),
    onEvent: (event, state) => onEvent(provider, event, state),
    onEnd: (state) => {
      if (!state.finished) return { cut: 'the stream ended without a finishReason' };
      return state.usage ? [{ ...meta(state), usage: state.usage }] : [];
    },
  };
}

function onEvent(provider: string, event: WireEvent, state: GeminiStreamState): ChatChunk[] {
  if (!event.data.trim()) return [];
  const body = parseEventJson(event);
  if (isObject(body) && body.error !== undefined) throw geminiStreamError(provider, body);
  const chunk = readGeminiChunk(body, provider);
  state.id = chunk.id ?? state.id;
  state.model = chunk.model ?? state.model;
  state.usage = chunk.usage ?? state.usage;
  // After the finish only a late usageMetadata matters.
  if (state.finished) return [];

  const out: ChatChunk[] = [];
  const delta = contentDelta(chunk, state);
  if (delta) out.push(delta);
  if (!chunk.hasCandidate && chunk.blockReason) {
    state.finished = true;
    out.push({ ...meta(state), finishReason: 'content_filter' });
  } else if (chunk.finishReason) {
    state.finished = true;
    const finishReason = geminiFinishReason({
      provider,
      reason: chunk.finishReason,
      hasText: state.sentText,
      hasToolCalls: state.toolCalls > 0,
    });
    out.push({ ...meta(state), finishReason });
  }
  return out;
}

function contentDelta(chunk: GeminiChunk, state: GeminiStreamState): ChatChunk | undefined {
  const toolCalls = chunk.functionCalls.map((call): ToolCallDelta => {
    const index = state.toolCalls++;
    return { index, ...toToolCall(call, index) };
  });
  if (!chunk.text && toolCalls.length === 0) return undefined;
  const role = state.sentRole ? undefined : ('assistant' as const);
  state.sentRole = true;
  state.sentText ||= chunk.text.length > 0;
  return {
    ...meta(state),
    delta: {
      ...(role && { role }),
      ...(chunk.text && { content: chunk.text }),
      ...(toolCalls.length > 0 && { toolCalls }),
    },
  };
}

function meta(state: GeminiStreamState): Pick<ChatChunk, 'id' | 'model'> {
  return { ...(state.id && { id: state.id }), ...(state.model && { model: state.model }) };
}
