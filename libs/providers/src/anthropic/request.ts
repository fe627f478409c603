import type { ChatRequest, ToolChoice, ToolDefinition } from '@app/core';
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from './defaults';
import { toAnthropicConversation } from './request-messages';
import type { AnthropicMessagesRequest, AnthropicTool, AnthropicToolChoice } from './wire-types';

export interface AnthropicRequestOptions {
  stream: boolean;
}

/**
 * The Messages API body for a ChatRequest. Throws a 400 GatewayError for content Anthropic cannot
 * take (tool-call arguments that are not a JSON object, image URLs of another scheme).
 *
 * Deliberately dropped, because the Messages API has no such parameter:
 * - `seed`, `presencePenalty`, `frequencyPenalty`;
 * - `responseFormat` (json_object and json_schema): Anthropic has no JSON mode on the stable API;
 *   the gateway validates json_schema output itself, so the request is sent without it;
 * - `includeUsage`: Anthropic streams always report usage (message_start and message_delta).
 * `temperature` is forwarded as is: Anthropic's range is 0..1, a larger value is the upstream's 400.
 */
export function toAnthropicRequest(
  req: ChatRequest,
  options: AnthropicRequestOptions,
): AnthropicMessagesRequest {
  const { system, messages } = toAnthropicConversation(req.messages);
  const body: AnthropicMessagesRequest = {
    model: req.model,
    max_tokens: req.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  // Anthropic refuses tool_choice without tools, so both go together.
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map(toAnthropicTool);
    const choice = toAnthropicToolChoice(req.toolChoice, req.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }
  if (req.user) body.metadata = { user_id: req.user };
  if (options.stream) body.stream = true;
  return body;
}

/** `strict` is dropped: Anthropic's strict tool use is a beta behind a header. */
function toAnthropicTool(tool: ToolDefinition): AnthropicTool {
  const out: AnthropicTool = {
    name: tool.function.name,
    // input_schema is required and must be an object schema.
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) out.description = tool.function.description;
  return out;
}

/**
 * auto -> auto, none -> none, required -> any, a named function -> tool. `parallelToolCalls: false`
 * is Anthropic's `disable_parallel_tool_use`, which lives on the tool choice (not on `none`).
 */
function toAnthropicToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  if (choice === 'none') return { type: 'none' };
  const disable = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'required') return { type: 'any', ...disable };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...disable };
  if (choice === 'auto' || parallelToolCalls === false) return { type: 'auto', ...disable };
  return undefined;
}
