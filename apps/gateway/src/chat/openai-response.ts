import { randomUUID } from 'node:crypto';
import type { ChatChunk, ChatResponse, GatewayError, ToolCall, Usage } from '@app/core';

/** The OpenAI wire shapes the gateway answers with. */

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** the gateway's extras (the OpenAI SDKs ignore unknown fields): the request's cost in USD */
  cost_usd?: number;
  /** the gateway counted the tokens: the provider reported none */
  estimated?: true;
}

/** What the gateway adds to a usage object: the cost of the whole request (every attempt). */
export interface UsageExtras {
  costUsd?: string;
}

interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      tool_calls?: OpenAiToolCall[];
    };
    logprobs: null;
    finish_reason: string;
  }[];
  usage: OpenAiUsage;
  system_fingerprint: null;
}

/** Identity shared by every chunk of one streamed completion. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function newCompletionIdentity(model: string): CompletionIdentity {
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

export function toOpenAiUsage(usage: Usage, extras: UsageExtras = {}): OpenAiUsage {
  const wire: OpenAiUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
  };
  if (usage.cachedInputTokens !== undefined) {
    wire.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  }
  if (usage.reasoningTokens !== undefined) {
    wire.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  }
  if (extras.costUsd !== undefined) wire.cost_usd = Number(extras.costUsd);
  if (usage.estimated) wire.estimated = true;
  return wire;
}

function toWireToolCalls(calls: ToolCall[]): OpenAiToolCall[] {
  return calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.function.name, arguments: call.function.arguments },
  }));
}

export function toOpenAiCompletion(
  response: ChatResponse,
  identity: CompletionIdentity,
  extras: UsageExtras = {},
): OpenAiCompletion {
  const message: OpenAiCompletion['choices'][0]['message'] = {
    role: 'assistant',
    content: response.message.content,
    refusal: response.message.refusal ?? null,
  };
  if (response.message.toolCalls?.length) {
    message.tool_calls = toWireToolCalls(response.message.toolCalls);
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: response.finishReason }],
    usage: toOpenAiUsage(response.usage, extras),
    system_fingerprint: null,
  };
}

/** One `chat.completion.chunk` for a delta/finish chunk; usage chunks are encoded separately. */
export function toOpenAiChunk(
  chunk: ChatChunk,
  identity: CompletionIdentity,
  includeUsage: boolean,
): Record<string, unknown> {
  const delta: Record<string, unknown> = {};
  if (chunk.delta?.role) delta.role = chunk.delta.role;
  if (chunk.delta?.content !== undefined) delta.content = chunk.delta.content;
  if (chunk.delta?.refusal !== undefined) delta.refusal = chunk.delta.refusal;
  if (chunk.delta?.toolCalls?.length) {
    delta.tool_calls = chunk.delta.toolCalls.map((call) => {
      const wire: Record<string, unknown> = { index: call.index };
      if (call.id !== undefined) wire.id = call.id;
      if (call.type !== undefined || call.id !== undefined) wire.type = 'function';
      if (call.function) wire.function = { ...call.function };
      return wire;
    });
  }
  const body: Record<string, unknown> = {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: chunk.finishReason ?? null }],
  };
  if (includeUsage) body.usage = null;
  return body;
}

/** The last chunk when the caller asked for `stream_options.include_usage`. */
export function toOpenAiUsageChunk(
  usage: Usage,
  identity: CompletionIdentity,
  extras: UsageExtras = {},
) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices: [],
    usage: toOpenAiUsage(usage, extras),
  };
}

export function toOpenAiErrorBody(error: GatewayError) {
  return error.toJSON();
}
