import type { ChatResponse, ToolCall } from '@app/core';
import { mapAnthropicStopReason } from './stop-reason';
import { NO_TOKENS, readTokenCounts, toUsage } from './usage';
import { badResponse, isObject, optionalString, type JsonObject } from '../wire/json-guards';

/**
 * A non-streamed Messages API response as a ChatResponse. Text blocks are joined; tool_use blocks
 * become tool calls (input re-serialised as the JSON string OpenAI-shaped callers expect);
 * thinking, redacted_thinking and server-tool blocks are not part of the answer and are skipped.
 * Throws `upstream_bad_response` (502, retryable) when the body is not a message.
 */
export function fromAnthropicResponse(body: unknown, provider = 'anthropic'): ChatResponse {
  if (!isObject(body)) throw badResponse(provider, 'the body is not a JSON object');
  if (body.type !== undefined && body.type !== 'message') {
    throw badResponse(provider, `expected type "message", got ${JSON.stringify(body.type)}`);
  }
  if (!Array.isArray(body.content)) throw badResponse(provider, 'content is not an array');
  if (!isObject(body.usage)) throw badResponse(provider, 'usage is missing');

  let text = '';
  let sawText = false;
  const toolCalls: ToolCall[] = [];
  for (const block of body.content) {
    if (!isObject(block)) throw badResponse(provider, 'a content block is not an object');
    if (block.type === 'text') {
      if (typeof block.text !== 'string') throw badResponse(provider, 'a text block has no text');
      text += block.text;
      sawText = true;
    } else if (block.type === 'tool_use') {
      toolCalls.push(toToolCall(block, provider));
    }
  }

  const finishReason = mapAnthropicStopReason(body.stop_reason);
  const refusal = finishReason === 'content_filter' ? refusalText(body) : undefined;
  return {
    id: optionalString(body.id),
    model: optionalString(body.model) ?? '',
    message: {
      role: 'assistant',
      // OpenAI's convention: no text next to tool calls is `null`, not "".
      content: sawText || toolCalls.length === 0 ? text : null,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      ...(refusal ? { refusal } : {}),
    },
    finishReason,
    usage: toUsage(readTokenCounts(body.usage, NO_TOKENS)),
  };
}

function toToolCall(block: JsonObject, provider: string): ToolCall {
  if (typeof block.id !== 'string' || typeof block.name !== 'string') {
    throw badResponse(provider, 'a tool_use block has no id or name');
  }
  return {
    id: block.id,
    type: 'function',
    function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
  };
}

/** `stop_details.explanation` of a refusal, when the API gives one. */
function refusalText(body: JsonObject): string | undefined {
  const details = body.stop_details;
  return isObject(details) ? optionalString(details.explanation) : undefined;
}
