import { randomUUID } from 'node:crypto';
import { GatewayError } from '@app/core';
import type { ConversationStore } from './conversation-store';
import type { NewMessage } from './conversation.types';
import { caught } from './testing/expect-error';
import { ALL_TARGETS, steppingClock, type StoreTarget } from './testing/store-targets';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(ALL_TARGETS)('ConversationStore on $name', (factory) => {
  let target: StoreTarget;
  let store: ConversationStore;
  let owner: string;

  beforeAll(async () => {
    target = await factory.create();
    store = await target.open({ now: steppingClock() });
  });
  afterAll(async () => {
    await store?.close();
    await target?.dispose();
  });
  beforeEach(() => {
    owner = `tenant-${randomUUID()}`;
  });

  describe('create / get', () => {
    it('creates a conversation with a UUID, timestamps and every header field', async () => {
      const created = await store.create({
        owner,
        model: 'support-fast',
        prompt: { name: 'support-reply', version: '3', label: 'prod' },
        system: 'You are a helpful support agent.',
        metadata: { channel: 'web', locale: 'de-DE' },
        title: 'Refund for order #123',
      });
      expect(created).toEqual({
        id: expect.stringMatching(UUID),
        owner,
        model: 'support-fast',
        prompt: { name: 'support-reply', version: '3', label: 'prod' },
        system: 'You are a helpful support agent.',
        metadata: { channel: 'web', locale: 'de-DE' },
        title: 'Refund for order #123',
        messageCount: 0,
        createdAt: expect.stringMatching(ISO),
        updatedAt: created.createdAt,
      });
      expect(await store.get(created.id, owner)).toEqual({ ...created, messages: [] });
    });

    it('leaves absent optional fields absent (not null, not undefined)', async () => {
      const created = await store.create({ owner, prompt: { name: 'p' } });
      const read = await store.get(created.id, owner);
      expect(Object.keys(read!).sort()).toEqual(
        [
          'createdAt',
          'id',
          'messageCount',
          'messages',
          'metadata',
          'owner',
          'prompt',
          'updatedAt',
        ].sort(),
      );
      expect(read!.prompt).toStrictEqual({ name: 'p' });
      expect(read!.metadata).toStrictEqual({});
    });

    it('gives each conversation its own id', async () => {
      const ids = await Promise.all([1, 2, 3].map(() => store.create({ owner })));
      expect(new Set(ids.map((c) => c.id)).size).toBe(3);
    });

    it('treats an unknown id and another owner alike: undefined', async () => {
      const created = await store.create({ owner });
      expect(await store.get(randomUUID(), owner)).toBeUndefined();
      expect(await store.get('not-a-uuid', owner)).toBeUndefined();
      expect(await store.get(created.id, `${owner}-other`)).toBeUndefined();
    });

    it('rejects a header it cannot hold with a 400 naming the field', async () => {
      await expect(store.create({ owner: '' })).rejects.toMatchObject({
        status: 400,
        param: 'owner',
      });
      await expect(
        store.create({ owner, metadata: { n: 1 } as unknown as Record<string, string> }),
      ).rejects.toMatchObject({ status: 400, param: 'metadata.n' });
      await expect(store.create({ owner, prompt: { name: '' } })).rejects.toMatchObject({
        param: 'prompt.name',
      });
      await expect(store.create({ owner, system: 'a\u0000b' })).rejects.toMatchObject({
        param: 'system',
      });
    });
  });

  describe('appendMessage', () => {
    it('assigns seq 1, 2, 3 and returns the stored turn', async () => {
      const { id, updatedAt } = await store.create({ owner });
      const first = await store.appendMessage(id, owner, { role: 'user', content: 'Hi' });
      const second = await store.appendMessage(id, owner, { role: 'assistant', content: 'Hello!' });
      const third = await store.appendMessage(id, owner, { role: 'user', content: 'Refund?' });
      expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
      expect(first).toStrictEqual({
        seq: 1,
        role: 'user',
        content: 'Hi',
        status: 'complete',
        createdAt: expect.stringMatching(ISO),
      });
      const read = await store.get(id, owner);
      expect(read!.messages).toEqual([first, second, third]);
      expect(read!.messageCount).toBe(3);
      expect(read!.updatedAt > updatedAt).toBe(true);
    });

    it('stores every field of a turn intact', async () => {
      const { id } = await store.create({ owner });
      const turns: NewMessage[] = [
        {
          role: 'user',
          content: 'Grüße 👋 — 注文はどこ? \n"quotes" \\ back',
          name: 'alice',
          requestId: 'req-1',
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup_order', arguments: '{"id":"123","note":"ü"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
          ],
          deployment: 'gpt-4o-mini@openai-us',
          usage: {
            inputTokens: 120,
            outputTokens: 30,
            totalTokens: 150,
            cachedInputTokens: 64,
            estimated: true,
          },
          finishReason: 'tool_calls',
          requestId: 'req-1',
        },
        { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
        { role: 'tool', content: '2025-01-01', toolCallId: 'call_2', name: 'now' },
        {
          role: 'assistant',
          content: 'Your order has shipp',
          status: 'partial',
          deployment: 'claude@eu',
        },
      ];
      for (const turn of turns) await store.appendMessage(id, owner, turn);
      const read = await store.get(id, owner);
      expect(read!.messages.map(({ seq: _s, createdAt: _c, ...rest }) => rest)).toStrictEqual(
        turns.map((turn) => ({ ...turn, status: turn.status ?? 'complete' })),
      );
    });

    it('fails with 404 conversation_not_found for an unknown id or another owner, writing nothing', async () => {
      const { id } = await store.create({ owner });
      for (const [cid, who] of [
        [randomUUID(), owner],
        [id, `${owner}-other`],
      ]) {
        const error = await caught(store.appendMessage(cid, who, { role: 'user', content: 'x' }));
        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({
          status: 404,
          code: 'conversation_not_found',
          type: 'not_found_error',
        });
      }
      expect(await target.countMessages(store, id)).toBe(0);
      expect((await store.appendMessage(id, owner, { role: 'user', content: 'x' })).seq).toBe(1);
    });

    it.each<[string, NewMessage, string]>([
      ['a tool turn without toolCallId', { role: 'tool', content: 'x' }, 'toolCallId'],
      ['toolCallId on a user turn', { role: 'user', content: 'x', toolCallId: 'c' }, 'toolCallId'],
      ['tool calls on a user turn', { role: 'user', content: 'x', toolCalls: [] }, 'toolCalls'],
      ['a partial user turn', { role: 'user', content: 'x', status: 'partial' }, 'status'],
      ['null content without tool calls', { role: 'assistant', content: null }, 'content'],
      ['a system turn', { role: 'system', content: 'x' } as unknown as NewMessage, 'role'],
      [
        'usage on a user turn',
        { role: 'user', content: 'x', usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } },
        'usage',
      ],
      [
        'negative usage',
        {
          role: 'assistant',
          content: 'x',
          usage: { inputTokens: -1, outputTokens: 0, totalTokens: 1 },
        },
        'usage.inputTokens',
      ],
      ['a NUL character', { role: 'user', content: 'a\u0000' }, 'content'],
    ])('rejects %s with a 400, using no seq', async (_label, message, param) => {
      const { id } = await store.create({ owner });
      const error = await caught(store.appendMessage(id, owner, message));
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param });
      expect((await store.appendMessage(id, owner, { role: 'user', content: 'ok' })).seq).toBe(1);
    });
  });

  describe('updateMessage', () => {
    it('completes a partial assistant turn', async () => {
      const { id } = await store.create({ owner });
      await store.appendMessage(id, owner, { role: 'user', content: 'Hi' });
      const partial = await store.appendMessage(id, owner, {
        role: 'assistant',
        content: 'Hel',
        status: 'partial',
        requestId: 'req-9',
      });
      const checkpoint = await store.updateMessage(id, owner, partial.seq, { content: 'Hello th' });
      expect(checkpoint).toMatchObject({ content: 'Hello th', status: 'partial' });
      const done = await store.updateMessage(id, owner, partial.seq, {
        content: 'Hello there',
        status: 'complete',
        usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
        finishReason: 'stop',
        deployment: 'sim@local',
      });
      expect(done).toStrictEqual({
        seq: 2,
        role: 'assistant',
        content: 'Hello there',
        status: 'complete',
        requestId: 'req-9',
        usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
        finishReason: 'stop',
        deployment: 'sim@local',
        createdAt: partial.createdAt,
      });
      expect((await store.get(id, owner))!.messages[1]).toEqual(done);
    });

    it('refuses to change a complete turn (409), an unknown seq or conversation (404)', async () => {
      const { id } = await store.create({ owner });
      await store.appendMessage(id, owner, { role: 'user', content: 'Hi' });
      await expect(store.updateMessage(id, owner, 1, { content: 'edited' })).rejects.toMatchObject({
        status: 409,
        code: 'message_not_partial',
      });
      await expect(store.updateMessage(id, owner, 7, { content: 'x' })).rejects.toMatchObject({
        status: 404,
        code: 'message_not_found',
      });
      await expect(
        store.updateMessage(id, 'someone-else', 1, { content: 'x' }),
      ).rejects.toMatchObject({
        status: 404,
        code: 'conversation_not_found',
      });
      await expect(store.updateMessage(id, owner, 0, { content: 'x' })).rejects.toMatchObject({
        status: 400,
        param: 'seq',
      });
      expect((await store.get(id, owner))!.messages[0].content).toBe('Hi');
    });
  });

  describe('list', () => {
    it('pages through the owner’s conversations newest first', async () => {
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await store.create({ owner, title: `c${i}` }));
      await store.create({ owner: `${owner}-other`, title: 'not mine' });

      const first = await store.list(owner, { limit: 2 });
      expect(first.conversations.map((c) => c.title)).toEqual(['c4', 'c3']);
      const second = await store.list(owner, { limit: 2, before: first.nextCursor });
      expect(second.conversations.map((c) => c.title)).toEqual(['c2', 'c1']);
      const third = await store.list(owner, { limit: 2, before: second.nextCursor });
      expect(third.conversations.map((c) => c.title)).toEqual(['c0']);
      expect(third.nextCursor).toBeUndefined();

      const all = await store.list(owner);
      expect(all.conversations).toEqual([...created].reverse());
      expect(all.nextCursor).toBeUndefined();
    });

    it('keeps paging when the boundary conversation is deleted in between', async () => {
      for (let i = 0; i < 4; i++) await store.create({ owner, title: `c${i}` });
      const first = await store.list(owner, { limit: 2 });
      await store.delete(first.conversations[1].id, owner);
      const next = await store.list(owner, { limit: 2, before: first.nextCursor });
      expect(next.conversations.map((c) => c.title)).toEqual(['c1', 'c0']);
    });

    it('breaks creation-time ties by id, without repeating or losing any', async () => {
      const sameInstant = await target.open({ now: () => new Date('2025-06-01T00:00:00.000Z') });
      try {
        const ids = [];
        for (let i = 0; i < 7; i++) ids.push((await sameInstant.create({ owner })).id);
        const seen: string[] = [];
        let before: string | undefined;
        do {
          const page = await sameInstant.list(owner, { limit: 3, before });
          seen.push(...page.conversations.map((c) => c.id));
          before = page.nextCursor;
        } while (before !== undefined);
        expect(seen).toEqual([...ids].sort().reverse());
      } finally {
        await sameInstant.close();
      }
    });

    it('returns an empty page for an owner without conversations', async () => {
      expect(await store.list(owner)).toEqual({ conversations: [] });
    });

    it('rejects a bad limit or cursor with a 400', async () => {
      await expect(store.list(owner, { limit: 0 })).rejects.toMatchObject({ param: 'limit' });
      await expect(store.list(owner, { limit: 101 })).rejects.toMatchObject({ param: 'limit' });
      await expect(store.list(owner, { before: 'garbage' })).rejects.toMatchObject({
        status: 400,
        param: 'before',
      });
    });
  });

  describe('update', () => {
    it('changes title, model and metadata, and clears with null', async () => {
      const { id, createdAt } = await store.create({ owner, title: 'old', model: 'm1' });
      const updated = await store.update(id, owner, { title: 'new', metadata: { a: 'b' } });
      expect(updated).toMatchObject({ title: 'new', model: 'm1', metadata: { a: 'b' }, createdAt });
      expect(updated!.updatedAt > createdAt).toBe(true);
      const cleared = await store.update(id, owner, { title: null, model: null });
      expect(cleared).not.toHaveProperty('title');
      expect(cleared).not.toHaveProperty('model');
      expect(await store.update(id, `${owner}-other`, { title: 'hijack' })).toBeUndefined();
      expect((await store.get(id, owner))!.metadata).toEqual({ a: 'b' });
    });
  });

  describe('delete', () => {
    it('deletes the conversation and cascades to its messages', async () => {
      const { id } = await store.create({ owner });
      await store.appendMessage(id, owner, { role: 'user', content: 'a' });
      await store.appendMessage(id, owner, { role: 'assistant', content: 'b' });
      expect(await target.countMessages(store, id)).toBe(2);
      expect(await store.delete(id, owner)).toBe(true);
      expect(await store.get(id, owner)).toBeUndefined();
      expect(await target.countMessages(store, id)).toBe(0);
      expect(await store.delete(id, owner)).toBe(false);
    });

    it('does not delete another owner’s conversation', async () => {
      const { id } = await store.create({ owner });
      await store.appendMessage(id, owner, { role: 'user', content: 'a' });
      expect(await store.delete(id, `${owner}-other`)).toBe(false);
      expect((await store.get(id, owner))!.messages).toHaveLength(1);
    });
  });
});
