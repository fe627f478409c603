import type { AssistantMessage, ChatResponse } from '@app/core';
import { toFinishReason } from './finish-reason';
import { badResponse, isObject, optionalString, type JsonObject } from '../wire/json-guards';
import { fromOpenAiToolCalls } from './tool-calls';
import { fromOpenAiUsage, unreportedUsage } from './usage';

export interface OpenAiResponseContext {
  provider: string;
  /** the model asked for, reported when the body names none */
  requestedModel: string;
}

/**
 * Chat Completions response body -> ChatResponse. Reads `choices[0]` (the gateway never asks for
 * `n` > 1); ignores fields it does not use (logprobs, annotations, Azure's content filter results).
 * A body without usage reports zeros flagged `estimated`.
 */
export function fromOpenAiResponse(body: unknown, context: OpenAiResponseContext): ChatResponse {
  if (!isObject(body)) throw badResponse(context.provider, 'the body is not a JSON object');
  const choice: unknown = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isObject(choice) || !isObject(choice.message)) {
    throw badResponse(context.provider, 'no choices[0].message');
  }
  const message = toAssistantMessage(choice.message);
  const response: ChatResponse = {
    model: optionalString(body.model) || context.requestedModel,
    message,
    finishReason: toFinishReason(choice.finish_reason, (message.toolCalls ?? []).length > 0),
    usage: fromOpenAiUsage(body.usage) ?? unreportedUsage(),
  };
  const id = optionalString(body.id);
  if (id) response.id = id;
  return response;
}

function toAssistantMessage(message: JsonObject): AssistantMessage {
  const toolCalls = fromOpenAiToolCalls(message.tool_calls, message.function_call);
  const assistant: AssistantMessage = { role: 'assistant', content: contentText(message.content) };
  if (toolCalls.length > 0) assistant.toolCalls = toolCalls;
  const refusal = optionalString(message.refusal);
  if (refusal) assistant.refusal = refusal;
  return assistant;
}

/** A string, null, or (some compatible servers) an array of text parts. */
function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  return content
    .map((part: unknown) => (isObject(part) ? (optionalString(part.text) ?? '') : ''))
    .join('');
}
