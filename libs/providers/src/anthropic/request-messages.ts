import { GatewayError, messageText, type Message } from '@app/core';
import { toContentBlocks, toToolUseBlock } from './request-content';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock } from './wire-types';

export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/**
 * Splits the gateway's message list into Anthropic's top-level `system` and its strictly
 * alternating user/assistant turns:
 * - system and developer messages, wherever they are, become `system` text blocks, in order
 *   (Anthropic has no system role inside `messages`);
 * - tool messages become `tool_result` blocks of a user turn;
 * - consecutive turns of the same role (two user messages, several tool results, tool results
 *   followed by the user's next message) are merged into one turn, as Anthropic requires;
 * - `name` is dropped: Anthropic messages carry no participant names.
 */
export function toAnthropicConversation(messages: Message[]): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const append = (role: AnthropicMessage['role'], blocks: AnthropicContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = messageText(message);
        if (text) system.push({ type: 'text', text });
        break;
      }
      case 'user':
        append('user', toContentBlocks(message.content, `${param}.content`));
        break;
      case 'assistant':
        append('assistant', [
          ...toContentBlocks(message.content, `${param}.content`),
          ...(message.toolCalls ?? []).map((call, i) =>
            toToolUseBlock(call, `${param}.tool_calls[${i}]`),
          ),
        ]);
        break;
      case 'tool':
        append('user', [toToolResultBlock(message, param)]);
        break;
    }
  });
  return { system, messages: turns };
}

function toToolResultBlock(message: Message, param: string): AnthropicContentBlock {
  if (!message.toolCallId) {
    throw GatewayError.invalidRequest(
      'A tool message needs the tool_call_id of the call it answers.',
      `${param}.tool_call_id`,
    );
  }
  const content =
    typeof message.content === 'string'
      ? message.content
      : toContentBlocks(message.content, `${param}.content`);
  return content.length > 0
    ? { type: 'tool_result', tool_use_id: message.toolCallId, content }
    : { type: 'tool_result', tool_use_id: message.toolCallId };
}
