import { GatewayError } from '@app/core';
import {
  conversationRow,
  messageRow,
  toConversation,
  toStoredMessage,
  type MessageRow,
} from './row-mapping';

const NOW = '2025-01-01T00:00:00.000Z';

describe('row mapping', () => {
  it('round-trips a conversation, NULL columns becoming absent fields', () => {
    const row = {
      ...conversationRow('id-1', { owner: 'o', prompt: { name: 'p', label: 'prod' } }, NOW),
    };
    expect(row).toMatchObject({ model: null, prompt_version: null, metadata: '{}', last_seq: 0 });
    expect(
      toConversation({ ...row, last_seq: 0 } as Parameters<typeof toConversation>[0]),
    ).toStrictEqual({
      id: 'id-1',
      owner: 'o',
      prompt: { name: 'p', label: 'prod' },
      metadata: {},
      messageCount: 0,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('round-trips a message with JSON columns', () => {
    const message = {
      role: 'assistant' as const,
      content: null,
      toolCalls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{}' } }],
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      status: 'partial' as const,
    };
    const row = messageRow('id-1', 4, message, NOW) as MessageRow;
    expect(row.tool_calls).toBe(
      '[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]',
    );
    expect(toStoredMessage(row)).toStrictEqual({ seq: 4, createdAt: NOW, ...message });
  });

  it('reports rows it did not write as corrupt (500), not as a crash', () => {
    const row = messageRow('id-1', 1, { role: 'user', content: 'x' }, NOW) as MessageRow;
    for (const bad of [
      { role: 'system' },
      { status: 'done' },
      { tool_calls: '{' },
      { usage: '[]' },
    ]) {
      let error: unknown;
      try {
        toStoredMessage({ ...row, ...bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 500, code: 'conversation_store_corrupt' });
    }
  });
});
