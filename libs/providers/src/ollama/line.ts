import { makeUsage, type FinishReason, type ToolCall, type Usage } from '@app/core';
import {
  badResponse,
  isObject,
  optionalCount,
  optionalString,
  type JsonObject,
} from '../wire/json-guards';

/** What the gateway reads from one Ollama chat object (a whole answer, or one NDJSON line). */
export interface OllamaLine {
  model?: string;
  content: string;
  toolCalls: { id?: string; name: string; arguments: string }[];
  done: boolean;
  doneReason?: string;
  /** the token counts; Ollama sends them on the `done` line only */
  usage?: Usage;
}

/** Reads a chat object defensively; a body of the wrong shape is a bad response. */
export function readOllamaLine(body: unknown, provider: string): OllamaLine {
  if (!isObject(body)) throw badResponse(provider, 'the body is not a JSON object');
  if (typeof body.done !== 'boolean') throw badResponse(provider, '`done` is missing');
  const message = body.message;
  if (message !== undefined && !isObject(message)) {
    throw badResponse(provider, '`message` is not an object');
  }
  const content = message?.content ?? '';
  if (typeof content !== 'string') throw badResponse(provider, '`message.content` is not a string');
  return {
    model: optionalString(body.model),
    content,
    toolCalls: readToolCalls(message?.tool_calls, provider),
    done: body.done,
    doneReason: optionalString(body.done_reason),
    usage: body.done
      ? makeUsage(optionalCount(body.prompt_eval_count) ?? 0, optionalCount(body.eval_count) ?? 0)
      : undefined,
  };
}

function readToolCalls(value: unknown, provider: string): OllamaLine['toolCalls'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badResponse(provider, '`tool_calls` is not an array');
  return value.map((call: unknown) => {
    const fn: unknown = isObject(call) ? call.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string') {
      throw badResponse(provider, 'a tool call has no function name');
    }
    return {
      id: optionalString((call as JsonObject).id),
      name: fn.name,
      arguments: args(fn, provider),
    };
  });
}

/** Ollama sends arguments as an object; a string is accepted if it already is JSON text. */
function args(fn: JsonObject, provider: string): string {
  const value = fn.arguments ?? {};
  if (typeof value === 'string') return value;
  if (!isObject(value)) throw badResponse(provider, 'tool call `arguments` is not an object');
  return JSON.stringify(value);
}

/** Ollama has no ids before some versions and none across turns: `call_<n>` unless it sends one. */
export function toToolCall(call: OllamaLine['toolCalls'][number], index: number): ToolCall {
  return {
    id: call.id || `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}

/**
 * done_reason: `length` (num_predict reached) is `length`; `stop`, and `load`/`unload` (a request
 * that only loaded or unloaded the model), are `stop`, or `tool_calls` when the answer calls tools
 * (Ollama says `stop` for those). Ollama has no content filter.
 */
export function ollamaFinishReason(
  doneReason: string | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (doneReason === 'length') return 'length';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
