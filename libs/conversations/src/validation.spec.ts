import { GatewayError } from '@app/core';
import type { NewMessage } from './conversation.types';
import {
  checkConversationPatch,
  checkCreate,
  checkMessage,
  checkPageSize,
  checkSeq,
} from './validation';

function paramOf(run: () => unknown): string | null | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_conversation_input' });
    return (error as GatewayError).param;
  }
  return undefined;
}

const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };

describe('checkMessage', () => {
  it('fills in status complete and drops unknown fields', () => {
    const extra = { role: 'user', content: 'hi', seq: 9, bogus: true } as unknown as NewMessage;
    expect(checkMessage(extra)).toEqual({ role: 'user', content: 'hi', status: 'complete' });
  });

  it.each<[string, NewMessage]>([
    ['a user turn', { role: 'user', content: '' }],
    [
      'an assistant turn with tool calls and no text',
      { role: 'assistant', content: null, toolCalls: [call] },
    ],
    ['a partial assistant turn', { role: 'assistant', content: 'He', status: 'partial' }],
    [
      'a partial tool call with cut arguments',
      {
        role: 'assistant',
        content: null,
        status: 'partial',
        toolCalls: [{ ...call, function: { name: 'f', arguments: '{"a' } }],
      },
    ],
    ['a tool turn', { role: 'tool', content: 'ok', toolCallId: 'c1' }],
    [
      'usage with optional counts',
      {
        role: 'assistant',
        content: 'x',
        usage: {
          inputTokens: 1,
          outputTokens: 2,
          totalTokens: 3,
          cacheWriteTokens: 0,
          estimated: false,
        },
      },
    ],
  ])('accepts %s', (_label, message) => {
    expect(paramOf(() => checkMessage(message))).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['an unknown role', { role: 'robot', content: 'x' }, 'role'],
    ['a developer turn', { role: 'developer', content: 'x' }, 'role'],
    ['an unknown status', { role: 'assistant', content: 'x', status: 'done' }, 'status'],
    [
      'a partial tool turn',
      { role: 'tool', content: 'x', toolCallId: 'c', status: 'partial' },
      'status',
    ],
    ['a tool turn without its call id', { role: 'tool', content: 'x' }, 'toolCallId'],
    ['a tool turn with null content', { role: 'tool', content: null, toolCallId: 'c' }, 'content'],
    [
      'a call id on an assistant turn',
      { role: 'assistant', content: 'x', toolCallId: 'c' },
      'toolCallId',
    ],
    ['an empty tool-call list', { role: 'assistant', content: null, toolCalls: [] }, 'toolCalls'],
    [
      'a tool call without id',
      { role: 'assistant', content: null, toolCalls: [{ ...call, id: '' }] },
      'toolCalls[0].id',
    ],
    [
      'a tool call of another type',
      { role: 'assistant', content: null, toolCalls: [{ ...call, type: 'web' }] },
      'toolCalls[0]',
    ],
    ['array content', { role: 'user', content: [{ type: 'text', text: 'x' }] }, 'content'],
    ['deployment on a user turn', { role: 'user', content: 'x', deployment: 'd' }, 'deployment'],
    [
      'finishReason on a tool turn',
      { role: 'tool', content: 'x', toolCallId: 'c', finishReason: 'stop' },
      'finishReason',
    ],
    [
      'fractional usage',
      {
        role: 'assistant',
        content: 'x',
        usage: { inputTokens: 1.5, outputTokens: 0, totalTokens: 1 },
      },
      'usage.inputTokens',
    ],
    [
      'usage with a bad flag',
      {
        role: 'assistant',
        content: 'x',
        usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1, estimated: 'yes' },
      },
      'usage.estimated',
    ],
    ['an empty name', { role: 'user', content: 'x', name: '' }, 'name'],
  ])('rejects %s', (_label, message, param) => {
    expect(paramOf(() => checkMessage(message as NewMessage))).toBe(param);
  });
});

describe('checkCreate / checkConversationPatch', () => {
  it('normalises metadata to {} and keeps an empty title', () => {
    expect(checkCreate({ owner: 'o', title: '' })).toMatchObject({ metadata: {}, title: '' });
  });

  it('rejects metadata that is not an object of strings', () => {
    expect(
      paramOf(() => checkCreate({ owner: 'o', metadata: [] as unknown as Record<string, string> })),
    ).toBe('metadata');
  });

  it('passes null (clear) through and validates the rest', () => {
    expect(checkConversationPatch({ title: null, model: null })).toEqual({
      title: null,
      model: null,
    });
    expect(paramOf(() => checkConversationPatch({ model: '' }))).toBe('model');
  });
});

describe('checkPageSize / checkSeq', () => {
  it('defaults the page size to 20 and bounds it to 1..100', () => {
    expect(checkPageSize(undefined)).toBe(20);
    expect(checkPageSize(100)).toBe(100);
    expect(paramOf(() => checkPageSize(2.5))).toBe('limit');
  });

  it('accepts positive integer seqs only', () => {
    expect(checkSeq(1)).toBe(1);
    expect(paramOf(() => checkSeq(-1))).toBe('seq');
    expect(paramOf(() => checkSeq(Number.NaN))).toBe('seq');
  });
});
