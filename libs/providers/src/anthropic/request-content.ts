import { GatewayError, type ContentPart, type Message, type ToolCall } from '@app/core';
import type { AnthropicImageBlock, AnthropicTextBlock, AnthropicToolUseBlock } from './wire-types';

/** A message's content as Anthropic text and image blocks; empty texts are left out (Anthropic rejects them). */
export function toContentBlocks(
  content: Message['content'],
  param: string,
): (AnthropicTextBlock | AnthropicImageBlock)[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  content.forEach((part, index) => {
    const block = toContentBlock(part, `${param}[${index}]`);
    if (block) blocks.push(block);
  });
  return blocks;
}

function toContentBlock(
  part: ContentPart,
  param: string,
): AnthropicTextBlock | AnthropicImageBlock | undefined {
  if (part.type === 'text') return part.text ? { type: 'text', text: part.text } : undefined;
  // `detail` has no Anthropic equivalent: the model always sees the image at its own resolution.
  return toImageBlock(part.imageUrl.url, `${param}.image_url.url`);
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/** data: URLs become a base64 source, http(s) URLs a url source; anything else is refused. */
export function toImageBlock(url: string, param: string): AnthropicImageBlock {
  const data = DATA_URL.exec(url);
  if (data) {
    return {
      type: 'image',
      source: { type: 'base64', media_type: data[1].toLowerCase(), data: data[2] },
    };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw GatewayError.invalidRequest(
    'Image URLs must be http(s) URLs or base64 data: URLs.',
    param,
    'invalid_image_url',
  );
}

/** An assistant tool call as a `tool_use` block: Anthropic wants the arguments as a JSON object. */
export function toToolUseBlock(call: ToolCall, param: string): AnthropicToolUseBlock {
  return {
    type: 'tool_use',
    id: call.id,
    name: call.function.name,
    input: parseArguments(call.function.arguments, `${param}.function.arguments`),
  };
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  // Some clients send "" for a call without arguments; that is the empty object.
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw GatewayError.invalidRequest(`${param} is not valid JSON.`, param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw GatewayError.invalidRequest(`${param} must be a JSON object.`, param);
  }
  return value as Record<string, unknown>;
}
