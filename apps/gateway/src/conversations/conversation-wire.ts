import type { Conversation, ConversationWithMessages, StoredMessage } from '@app/conversations';

/** A conversation's header in the API's snake_case shape. */
export function wireConversation(conversation: Conversation): Record<string, unknown> {
  return {
    id: conversation.id,
    object: 'conversation',
    model: conversation.model ?? null,
    prompt: conversation.prompt ?? null,
    system: conversation.system ?? null,
    title: conversation.title ?? null,
    metadata: conversation.metadata,
    message_count: conversation.messageCount,
    created_at: conversation.createdAt,
    updated_at: conversation.updatedAt,
  };
}

export function wireMessage(message: StoredMessage): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    seq: message.seq,
    role: message.role,
    content: message.content,
    status: message.status,
    created_at: message.createdAt,
  };
  if (message.name !== undefined) wire.name = message.name;
  if (message.toolCalls !== undefined) wire.tool_calls = message.toolCalls;
  if (message.toolCallId !== undefined) wire.tool_call_id = message.toolCallId;
  if (message.finishReason !== undefined) wire.finish_reason = message.finishReason;
  if (message.deployment !== undefined) wire.deployment = message.deployment;
  if (message.usage !== undefined) {
    wire.usage = {
      input_tokens: message.usage.inputTokens,
      output_tokens: message.usage.outputTokens,
    };
  }
  if (message.requestId !== undefined) wire.request_id = message.requestId;
  return wire;
}

export function wireConversationWithMessages(
  conversation: ConversationWithMessages,
): Record<string, unknown> {
  return { ...wireConversation(conversation), messages: conversation.messages.map(wireMessage) };
}
