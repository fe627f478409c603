import type { ChatRequest, ResponseFormat, ToolDefinition } from '@app/core';
import { toOllamaMessages } from './messages';
import type { OllamaOptions, OllamaRequest, OllamaTool } from './wire';

/**
 * ChatRequest to an Ollama `/api/chat` body. Ollama always reports token counts in its last line,
 * so there is nothing to ask for usage. Dropped on purpose: `user` (no such field),
 * `parallelToolCalls` (no switch), the tools' `strict` flag. Ollama has no tool_choice either:
 * `none` sends no tools, a named function sends only that tool, `required` cannot be enforced and
 * sends all tools as `auto` would.
 */
export function toOllamaRequest(req: ChatRequest, { stream }: { stream: boolean }): OllamaRequest {
  const tools = selectTools(req).map(toOllamaTool);
  const format = toFormat(req.responseFormat);
  const options = toOptions(req);
  return {
    model: req.model,
    messages: toOllamaMessages(req.messages),
    stream,
    ...(tools.length > 0 && { tools }),
    ...(format !== undefined && { format }),
    ...(Object.keys(options).length > 0 && { options }),
  };
}

function selectTools(req: ChatRequest): ToolDefinition[] {
  const tools = req.tools ?? [];
  const choice = req.toolChoice;
  if (choice === 'none') return [];
  if (typeof choice === 'object') {
    return tools.filter((tool) => tool.function.name === choice.function.name);
  }
  return tools;
}

function toOllamaTool(tool: ToolDefinition): OllamaTool {
  const { name, description, parameters } = tool.function;
  return {
    type: 'function',
    function: { name, ...(description && { description }), ...(parameters && { parameters }) },
  };
}

function toFormat(format: ResponseFormat | undefined): OllamaRequest['format'] {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_schema' && format.jsonSchema.schema) return format.jsonSchema.schema;
  return 'json';
}

function toOptions(req: ChatRequest): OllamaOptions {
  const options: OllamaOptions = {
    temperature: req.temperature,
    top_p: req.topP,
    num_predict: req.maxTokens,
    stop: req.stop?.length ? req.stop : undefined,
    seed: req.seed,
    presence_penalty: req.presencePenalty,
    frequency_penalty: req.frequencyPenalty,
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
