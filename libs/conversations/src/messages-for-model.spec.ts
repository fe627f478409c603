import type { StoredMessage } from './conversation.types';
import { messagesForModel } from './messages-for-model';

let seq = 0;
function turn(
  message: Omit<StoredMessage, 'seq' | 'createdAt' | 'status'> & Partial<StoredMessage>,
): StoredMessage {
  return { seq: ++seq, createdAt: '2025-01-01T00:00:00.000Z', status: 'complete', ...message };
}

const call = (id: string) => ({
  id,
  type: 'function' as const,
  function: { name: 'f', arguments: '{"a":1}' },
});

describe('messagesForModel', () => {
  it('puts the system prompt first, then the turns, without store-only fields', () => {
    const messages = messagesForModel({
      system: 'Be brief.',
      messages: [
        turn({ role: 'user', content: 'Hi', name: 'alice', requestId: 'r1' }),
        turn({
          role: 'assistant',
          content: null,
          toolCalls: [call('c1')],
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        }),
        turn({ role: 'tool', content: '42', toolCallId: 'c1' }),
        turn({ role: 'assistant', content: 'It is 42.', finishReason: 'stop', deployment: 'd' }),
      ],
    });
    expect(messages).toStrictEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi', name: 'alice' },
      { role: 'assistant', content: null, toolCalls: [call('c1')] },
      { role: 'tool', content: '42', toolCallId: 'c1' },
      { role: 'assistant', content: 'It is 42.' },
    ]);
  });

  it('has no system message when the conversation has none, and a preamble replaces it', () => {
    const conversation = { system: 'ignored', messages: [turn({ role: 'user', content: 'Hi' })] };
    expect(messagesForModel({ messages: conversation.messages })).toEqual([
      { role: 'user', content: 'Hi' },
    ]);
    expect(
      messagesForModel(conversation, {
        preamble: [
          { role: 'system', content: 'From template v3' },
          { role: 'user', content: 'example' },
        ],
      }),
    ).toEqual([
      { role: 'system', content: 'From template v3' },
      { role: 'user', content: 'example' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('includes the text of a partial assistant turn but not its cut tool calls', () => {
    const conversation = {
      messages: [
        turn({ role: 'user', content: 'Explain' }),
        turn({
          role: 'assistant',
          content: 'First, the',
          status: 'partial',
          toolCalls: [call('cut')],
        }),
        turn({ role: 'user', content: 'go on' }),
      ],
    };
    expect(messagesForModel(conversation)).toStrictEqual([
      { role: 'user', content: 'Explain' },
      { role: 'assistant', content: 'First, the' },
      { role: 'user', content: 'go on' },
    ]);
    expect(messagesForModel(conversation, { partial: 'exclude' })).toEqual([
      { role: 'user', content: 'Explain' },
      { role: 'user', content: 'go on' },
    ]);
  });

  it('drops a partial turn without text and tool results nobody asked for', () => {
    expect(
      messagesForModel({
        messages: [
          turn({ role: 'user', content: 'Q' }),
          turn({ role: 'assistant', content: null, status: 'partial', toolCalls: [call('c9')] }),
          turn({ role: 'tool', content: 'orphan', toolCallId: 'c9' }),
          turn({ role: 'assistant', content: '', status: 'partial' }),
        ],
      }),
    ).toEqual([{ role: 'user', content: 'Q' }]);
  });
});
