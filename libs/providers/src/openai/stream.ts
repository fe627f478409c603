import type { ChatChunk, FinishReason, Usage } from '@app/core';
import { parseEventJson, type StreamMapper, type WireEvent } from '../transport';
import { openAiStreamError } from './errors';
import { toFinishReason } from './finish-reason';
import { isObject, optionalString, type JsonObject } from '../wire/json-guards';
import { toToolCallDeltas } from './tool-calls';
import { fromOpenAiUsage } from './usage';

export interface OpenAiStreamOptions {
  provider: string;
  /** see OpenAiDialect.requireDone */
  requireDone: boolean;
  /** literal secrets to scrub from in-stream error messages */
  secrets?: readonly (string | undefined)[];
}

export interface OpenAiStreamState {
  done: boolean;
  finishReason?: FinishReason;
  sawToolCalls: boolean;
  /** the latest usage seen that was not emitted yet (servers that attach usage to every chunk) */
  pendingUsage?: Usage;
  usageEmitted: boolean;
  id?: string;
  model?: string;
}

/**
 * Chat Completions SSE -> ChatChunks: `chat.completion.chunk` events with `choices[0].delta`
 * (content, refusal, tool_calls fragments) and `finish_reason`, the `"choices": []` usage chunk,
 * then `data: [DONE]`. `data: {"error":{...}}` fails the stream.
 */
export function openAiStreamMapper(options: OpenAiStreamOptions): StreamMapper<OpenAiStreamState> {
  return {
    provider: options.provider,
    createState: () => ({ done: false, sawToolCalls: false, usageEmitted: false }),
    onEvent: (event, state) => onEvent(event, state, options),
    onEnd: (state) => onEnd(state, options),
  };
}

function onEvent(event: WireEvent, state: OpenAiStreamState, options: OpenAiStreamOptions) {
  if (state.done) return [];
  if (event.data.trim() === '[DONE]') {
    state.done = true;
    return [];
  }
  const chunk = parseEventJson(event);
  if (!isObject(chunk)) return [];
  if (chunk.error !== undefined && chunk.error !== null) {
    const error = isObject(chunk.error)
      ? chunk.error
      : { message: typeof chunk.error === 'string' ? chunk.error : JSON.stringify(chunk.error) };
    throw openAiStreamError(options.provider, error, options.secrets ?? []);
  }
  state.id ||= optionalString(chunk.id) || undefined;
  state.model ||= optionalString(chunk.model) || undefined;
  const out: ChatChunk[] = [];
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const choice: unknown = choices[0];
  if (isObject(choice)) out.push(...fromChoice(choice, state));
  const usage = fromOpenAiUsage(chunk.usage);
  if (usage !== undefined) {
    state.pendingUsage = usage;
    // The dedicated usage chunk has no choices; usage on other chunks is a running figure.
    if (choices.length === 0) out.push(takeUsage(state));
  }
  return out.map((c) => stamp(c, state));
}

function fromChoice(choice: JsonObject, state: OpenAiStreamState): ChatChunk[] {
  const out: ChatChunk[] = [];
  // Azure's content-filter annotations arrive as choices without a delta.
  const delta = isObject(choice.delta) ? choice.delta : {};
  const content = optionalString(delta.content);
  const refusal = optionalString(delta.refusal);
  const toolCalls = toToolCallDeltas(delta.tool_calls ?? legacyFunctionCall(delta.function_call));
  // a role-only first delta is kept: it tells the gateway the stream is open
  if (content || refusal || toolCalls.length > 0 || delta.role === 'assistant') {
    const chunkDelta: NonNullable<ChatChunk['delta']> = {};
    if (delta.role === 'assistant') chunkDelta.role = 'assistant';
    if (content) chunkDelta.content = content;
    if (refusal) chunkDelta.refusal = refusal;
    if (toolCalls.length > 0) {
      chunkDelta.toolCalls = toolCalls;
      state.sawToolCalls = true;
    }
    out.push({ delta: chunkDelta });
  }
  if (typeof choice.finish_reason === 'string' && state.finishReason === undefined) {
    state.finishReason = toFinishReason(choice.finish_reason, state.sawToolCalls);
    out.push({ finishReason: state.finishReason });
  }
  return out;
}

/** The legacy `delta.function_call` fragments, as a one-call tool_calls array. */
function legacyFunctionCall(functionCall: unknown): unknown {
  return isObject(functionCall) ? [{ index: 0, function: functionCall }] : undefined;
}

function onEnd(state: OpenAiStreamState, options: OpenAiStreamOptions) {
  const finished = state.done || (!options.requireDone && state.finishReason !== undefined);
  if (!finished) return { cut: 'the stream ended without data: [DONE]' };
  if (state.finishReason === undefined) return { cut: 'the stream ended without a finish reason' };
  return state.pendingUsage && !state.usageEmitted ? [stamp(takeUsage(state), state)] : [];
}

function takeUsage(state: OpenAiStreamState): ChatChunk {
  const usage = state.pendingUsage as Usage;
  state.pendingUsage = undefined;
  state.usageEmitted = true;
  return { usage };
}

function stamp(chunk: ChatChunk, state: OpenAiStreamState): ChatChunk {
  return {
    ...(state.id ? { id: state.id } : {}),
    ...(state.model ? { model: state.model } : {}),
    ...chunk,
  };
}
