import type { ChatChunk, ToolCallDelta } from '@app/core';
import { parseEventJson, type StreamMapper, type WireEvent } from '../transport';
import { ollamaStreamError } from './errors';
import { isObject } from '../wire/json-guards';
import { ollamaFinishReason, readOllamaLine, toToolCall, type OllamaLine } from './line';

export interface OllamaStreamState {
  model?: string;
  toolCalls: number;
  sentRole: boolean;
  finished: boolean;
}

/**
 * `/api/chat` with `stream: true`: NDJSON lines `{"message":{...},"done":false}`, tool calls whole in
 * one line, and a last line `"done":true` with done_reason and the token counts. A body that ends
 * before that line was cut; an `{"error":"..."}` line is the upstream failing mid-answer.
 */
export function ollamaStreamMapper(provider: string): StreamMapper<OllamaStreamState> {
  return {
    provider,
    createState: () => ({ toolCalls: 0, sentRole: false, finished: false }),
    onEvent: (event, state) => onEvent(provider, event, state),
    onEnd: (state) => (state.finished ? [] : { cut: 'the stream ended without a done line' }),
  };
}

function onEvent(provider: string, event: WireEvent, state: OllamaStreamState): ChatChunk[] {
  const body = parseEventJson(event);
  if (isObject(body) && typeof body.error === 'string')
    throw ollamaStreamError(provider, body.error);
  if (state.finished) return [];
  const line = readOllamaLine(body, provider);
  state.model = line.model ?? state.model;
  const out: ChatChunk[] = [];
  const delta = contentDelta(line, state);
  if (delta) out.push(delta);
  if (line.done) {
    state.finished = true;
    const meta = state.model ? { model: state.model } : {};
    out.push({ ...meta, finishReason: ollamaFinishReason(line.doneReason, state.toolCalls > 0) });
    if (line.usage) out.push({ ...meta, usage: line.usage });
  }
  return out;
}

function contentDelta(line: OllamaLine, state: OllamaStreamState): ChatChunk | undefined {
  const toolCalls = line.toolCalls.map((call): ToolCallDelta => {
    const index = state.toolCalls++;
    return { index, ...toToolCall(call, index) };
  });
  if (!line.content && toolCalls.length === 0) return undefined;
  const role = state.sentRole ? undefined : ('assistant' as const);
  state.sentRole = true;
  return {
    ...(state.model && { model: state.model }),
    delta: {
      ...(role && { role }),
      ...(line.content && { content: line.content }),
      ...(toolCalls.length > 0 && { toolCalls }),
    },
  };
}
