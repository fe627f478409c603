import { GatewayError, messageText, type Message, type ToolCall } from '@app/core';
import type { OllamaMessage, OllamaToolCall } from './wire';

/**
 * Messages to Ollama chat messages. Developer messages are system messages; text parts are joined
 * into the one `content` string; images go to `images` as bare base64; assistant tool calls carry
 * their arguments as objects; tool results name the function (`tool_name`) of the call they answer.
 */
export function toOllamaMessages(messages: Message[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message): OllamaMessage => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: messageText(message) };
      case 'user': {
        const images = imagesOf(message);
        return {
          role: 'user',
          content: messageText(message),
          ...(images.length > 0 && { images }),
        };
      }
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        for (const call of calls) toolNames.set(call.id, call.function.name);
        return {
          role: 'assistant',
          content: messageText(message),
          ...(calls.length > 0 && { tool_calls: calls.map(toOllamaToolCall) }),
        };
      }
      case 'tool': {
        const name = toolNames.get(message.toolCallId ?? '') ?? message.name;
        return { role: 'tool', content: messageText(message), ...(name && { tool_name: name }) };
      }
    }
  });
}

const BASE64_DATA_URL = /^data:[^;,]+(?:;[^;,]*)*;base64,(.*)$/s;

/** Ollama takes image bytes only: it cannot fetch a URL, so http(s) images are refused. */
function imagesOf(message: Message): string[] {
  if (!Array.isArray(message.content)) return [];
  return message.content.flatMap((part) => {
    if (part.type !== 'image_url') return [];
    const data = BASE64_DATA_URL.exec(part.imageUrl.url);
    if (!data) {
      throw GatewayError.invalidRequest(
        'Ollama takes images as base64 data: URLs only; it cannot fetch image URLs.',
        'messages',
      );
    }
    return [data[1]];
  });
}

function toOllamaToolCall(call: ToolCall): OllamaToolCall {
  let args: unknown;
  try {
    args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
  } catch {
    args = undefined;
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw GatewayError.invalidRequest(
      `The arguments of tool call '${call.id}' are not a JSON object, which Ollama requires.`,
      'messages',
    );
  }
  return { function: { name: call.function.name, arguments: args as Record<string, unknown> } };
}
