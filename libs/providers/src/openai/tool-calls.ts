import type { ToolCall, ToolCallDelta } from '@app/core';
import { isObject, optionalString } from '../wire/json-guards';

/** Arguments are a JSON string on the wire; a few servers send the object itself. */
function argumentsText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `message.tool_calls` of a response (plus the legacy `function_call`). Entries without a function
 * name are dropped; a missing id (some compatible servers) becomes `call_<index>`.
 */
export function fromOpenAiToolCalls(toolCalls: unknown, functionCall?: unknown): ToolCall[] {
  const calls: ToolCall[] = [];
  const entries = Array.isArray(toolCalls) ? toolCalls : [];
  entries.forEach((entry: unknown, index) => {
    if (!isObject(entry) || !isObject(entry.function)) return;
    const name = optionalString(entry.function.name);
    if (!name) return;
    calls.push({
      id: optionalString(entry.id) || `call_${index}`,
      type: 'function',
      function: { name, arguments: argumentsText(entry.function.arguments) ?? '' },
    });
  });
  if (calls.length === 0 && isObject(functionCall)) {
    const name = optionalString(functionCall.name);
    if (name) {
      const args = argumentsText(functionCall.arguments) ?? '';
      calls.push({ id: 'call_0', type: 'function', function: { name, arguments: args } });
    }
  }
  return calls;
}

/**
 * `delta.tool_calls` of a stream chunk: the first fragment of a call carries its index, id and
 * name, the following ones argument text. A missing index (some servers) is the array position.
 */
export function toToolCallDeltas(toolCalls: unknown): ToolCallDelta[] {
  if (!Array.isArray(toolCalls)) return [];
  const deltas: ToolCallDelta[] = [];
  toolCalls.forEach((entry: unknown, position) => {
    if (!isObject(entry)) return;
    const delta: ToolCallDelta = {
      index: typeof entry.index === 'number' ? entry.index : position,
    };
    const id = optionalString(entry.id);
    if (id) delta.id = id;
    if (entry.type === 'function') delta.type = 'function';
    if (isObject(entry.function)) {
      const fn: NonNullable<ToolCallDelta['function']> = {};
      const name = optionalString(entry.function.name);
      const args = argumentsText(entry.function.arguments);
      if (name) fn.name = name;
      if (args !== undefined) fn.arguments = args;
      if (fn.name !== undefined || fn.arguments !== undefined) delta.function = fn;
    }
    if (delta.id !== undefined || delta.function !== undefined) deltas.push(delta);
  });
  return deltas;
}
