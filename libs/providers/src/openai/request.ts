import {
  messageText,
  type ChatRequest,
  type ContentPart,
  type Message,
  type ResponseFormat,
  type ToolDefinition,
} from '@app/core';
import type { OpenAiDialect } from './dialect';
import type {
  OpenAiChatRequest,
  OpenAiContentPart,
  OpenAiMessage,
  OpenAiResponseFormat,
  OpenAiTool,
} from './wire-types';

export interface OpenAiRequestOptions {
  stream: boolean;
  dialect: OpenAiDialect;
}

/** ChatRequest -> Chat Completions request body. Fields the request leaves unset are not sent. */
export function toOpenAiRequest(
  req: ChatRequest,
  options: OpenAiRequestOptions,
): OpenAiChatRequest {
  const { dialect } = options;
  const body: OpenAiChatRequest = {
    model: req.model,
    messages: req.messages.map((message) => toOpenAiMessage(message, dialect)),
  };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.maxTokens !== undefined) body[dialect.maxTokensField] = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map(toOpenAiTool);
    if (req.toolChoice !== undefined) body.tool_choice = req.toolChoice;
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  // Without tools, tool_choice and parallel_tool_calls are dropped: OpenAI rejects them there.
  if (req.responseFormat !== undefined) body.response_format = toResponseFormat(req.responseFormat);
  if (req.user !== undefined) body.user = req.user;
  if (options.stream) {
    body.stream = true;
    // Always ask for the usage chunk; the gateway strips it when its own caller did not ask.
    if (dialect.streamUsageOption) body.stream_options = { include_usage: true };
  }
  return body;
}

function toOpenAiMessage(message: Message, dialect: OpenAiDialect): OpenAiMessage {
  const name = message.name === undefined ? {} : { name: message.name };
  switch (message.role) {
    case 'system':
      return { role: 'system', content: messageText(message), ...name };
    case 'developer':
      return { role: dialect.developerRole, content: messageText(message), ...name };
    case 'user':
      return { role: 'user', content: toUserContent(message.content, dialect), ...name };
    case 'assistant': {
      const toolCalls = message.toolCalls ?? [];
      const text = messageText(message);
      return {
        role: 'assistant',
        // An assistant turn that only calls tools has null content on the wire.
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...name,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map((call) => ({ ...call })) } : {}),
      };
    }
    case 'tool':
      return {
        role: 'tool',
        content: messageText(message),
        tool_call_id: message.toolCallId ?? '',
      };
  }
}

function toUserContent(
  content: Message['content'],
  dialect: OpenAiDialect,
): string | OpenAiContentPart[] {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  if (dialect.flattenTextParts && content.every((part) => part.type === 'text')) {
    return messageText({ content });
  }
  return content.map(toContentPart);
}

function toContentPart(part: ContentPart): OpenAiContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const { url, detail } = part.imageUrl;
  return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
}

function toOpenAiTool(tool: ToolDefinition): OpenAiTool {
  return { type: 'function', function: { ...tool.function } };
}

function toResponseFormat(format: ResponseFormat): OpenAiResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return { type: 'json_schema', json_schema: { ...format.jsonSchema } };
}
