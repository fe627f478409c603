import type { ChatRequest, ToolDefinition } from '@app/core';
import type { Rng } from './prng';
import { lastUserText } from './token-count';

/** Which tools the simulated model calls, or the message of a 400 when the request is invalid. */
export type ToolSelection = { tools: ToolDefinition[] } | { invalid: string };

function mentions(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  const needle = name.toLowerCase();
  return lower.includes(needle) || lower.includes(needle.replace(/[_-]+/g, ' '));
}

/**
 * tool_choice semantics of OpenAI, with a simple "model": under 'auto' (the default when tools are
 * given) it calls the tools whose names the last user message mentions (`get_weather` or
 * "get weather"), unless the conversation ends with a tool result; 'required' calls the mentioned
 * tools or else one drawn from the generator; a named function is always called; 'none' never.
 * A `[[sim:tool]]` directive acts like 'required', `[[sim:tool=name]]` like naming the function.
 * Several mentioned tools are called in parallel unless parallelToolCalls is false.
 */
export function selectTools(
  req: ChatRequest,
  forced: true | string | undefined,
  rng: Rng,
): ToolSelection {
  const tools = req.tools ?? [];
  if (tools.length === 0) return { tools: [] };
  const named = typeof forced === 'string' ? forced : namedChoice(req);
  if (named !== undefined) {
    const tool = tools.find((t) => t.function.name === named);
    return tool ? { tools: [tool] } : { invalid: `No tool named '${named}' in 'tools'.` };
  }
  const choice = forced === true ? 'required' : (req.toolChoice ?? 'auto');
  if (choice === 'none') return { tools: [] };
  const text = lastUserText(req.messages);
  let chosen = text === '' ? [] : tools.filter((t) => mentions(text, t.function.name));
  if (choice === 'auto' && req.messages.at(-1)?.role === 'tool') chosen = [];
  if (choice === 'required' && chosen.length === 0) chosen = [rng.pick(tools)];
  return { tools: req.parallelToolCalls === false ? chosen.slice(0, 1) : chosen };
}

function namedChoice(req: ChatRequest): string | undefined {
  const choice = req.toolChoice;
  return typeof choice === 'object' ? choice.function.name : undefined;
}
