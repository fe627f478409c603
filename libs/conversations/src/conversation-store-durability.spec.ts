import { randomUUID } from 'node:crypto';
import type { ConversationStore } from './conversation-store';
import type { NewMessage } from './conversation.types';
import { ALL_TARGETS, type StoreTarget } from './testing/store-targets';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(ALL_TARGETS)('ConversationStore durability on $name', (factory) => {
  let target: StoreTarget;
  let store: ConversationStore;
  const owner = `tenant-${randomUUID()}`;

  beforeAll(async () => {
    target = await factory.create();
    store = await target.open();
  });
  afterAll(async () => {
    await store?.close();
    await target?.dispose();
  });

  describe('concurrent appends', () => {
    it('gives 50 parallel appends on one store the seqs 1..50 exactly', async () => {
      const { id } = await store.create({ owner });
      const appended = await Promise.all(
        range(50).map((n) => store.appendMessage(id, owner, { role: 'user', content: `m${n}` })),
      );
      expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(50));
      const read = await store.get(id, owner);
      expect(read!.messages.map((m) => m.seq)).toEqual(range(50));
      expect(read!.messageCount).toBe(50);
      // each returned seq is the one stored with that content
      const bySeq = new Map(read!.messages.map((m) => [m.seq, m.content]));
      for (const m of appended) expect(bySeq.get(m.seq)).toBe(m.content);
    });

    it('keeps seqs contiguous when appends to several conversations interleave', async () => {
      const conversations = await Promise.all(range(3).map(() => store.create({ owner })));
      await Promise.all(
        range(30).map((n) =>
          store.appendMessage(conversations[n % 3].id, owner, { role: 'user', content: `${n}` }),
        ),
      );
      for (const { id } of conversations) {
        expect((await store.get(id, owner))!.messages.map((m) => m.seq)).toEqual(range(10));
      }
    });
  });

  describe('summary cache', () => {
    it('returns undefined for an unknown hash, then what was put, replaced on a second put', async () => {
      const hash = `sha256:${randomUUID()}`;
      expect(await store.getSummary(hash)).toBeUndefined();
      await store.putSummary(hash, 'Kunde möchte eine Rückerstattung 💶');
      expect(await store.getSummary(hash)).toBe('Kunde möchte eine Rückerstattung 💶');
      await store.putSummary(hash, 'newer summary');
      expect(await store.getSummary(hash)).toBe('newer summary');
      await expect(store.putSummary('', 'x')).rejects.toMatchObject({ status: 400, param: 'hash' });
    });

    it('returns the known ones of many hashes in one call (batched past 500)', async () => {
      const hashes = Array.from({ length: 1_200 }, () => `sha256:${randomUUID()}`);
      await store.putSummary(hashes[3], 'three');
      await store.putSummary(hashes[1_100], 'eleven hundred');
      const found = await store.getSummaries(hashes);
      expect([...found.entries()].sort()).toEqual(
        [
          [hashes[3], 'three'],
          [hashes[1_100], 'eleven hundred'],
        ].sort(),
      );
      expect((await store.getSummaries([])).size).toBe(0);
    });
  });

  describe('readiness and close', () => {
    it('pings while open; after close ping reports down, and close is idempotent', async () => {
      const extra = await target.open();
      expect(await extra.ping()).toEqual({ ok: true, latencyMs: expect.any(Number) });
      await extra.close();
      await extra.close();
      expect(await extra.ping()).toEqual({ ok: false, error: expect.stringContaining('closed') });
    });
  });

  if (factory.name !== 'sqlite :memory:') {
    describe('restart', () => {
      it('keeps history and summaries across close and reopen', async () => {
        const first = await target.open();
        const conversation = await first.create({
          owner,
          model: 'support-fast',
          prompt: { name: 'support', label: 'prod' },
          system: 'Be brief.',
          metadata: { ticket: 'T-1' },
          title: 'Ünïcödé ✓',
        });
        const turns: NewMessage[] = [
          { role: 'user', content: 'Wo ist mein Paket? 📦 «hilfe»' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              {
                id: 'call_9',
                type: 'function',
                function: { name: 'track', arguments: '{"q":"📦"}' },
              },
            ],
            usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52, reasoningTokens: 4 },
            finishReason: 'tool_calls',
          },
          { role: 'tool', content: '{"eta":"morgen"}', toolCallId: 'call_9' },
          { role: 'assistant', content: 'Es kommt morg', status: 'partial', requestId: 'req-cut' },
        ];
        for (const turn of turns) await first.appendMessage(conversation.id, owner, turn);
        await first.putSummary('restart-hash', 'summary that survives');
        const before = await first.get(conversation.id, owner);
        await first.close();

        const reopened = await target.open();
        try {
          expect(await reopened.get(conversation.id, owner)).toStrictEqual(before);
          expect(await reopened.getSummary('restart-hash')).toBe('summary that survives');
          const next = await reopened.appendMessage(conversation.id, owner, {
            role: 'user',
            content: 'und?',
          });
          expect(next.seq).toBe(5);
        } finally {
          await reopened.close();
        }
      });

      it('continues one sequence across two stores on the same database', async () => {
        const other = await target.open();
        try {
          const { id } = await store.create({ owner });
          const seqs: number[] = [];
          for (const n of range(10)) {
            const via = n % 2 === 0 ? store : other;
            seqs.push((await via.appendMessage(id, owner, { role: 'user', content: `${n}` })).seq);
          }
          expect(seqs).toEqual(range(10));
        } finally {
          await other.close();
        }
      });
    });
  }

  if (factory.name === 'postgres') {
    it('gives 50 parallel appends across two pools the seqs 1..50 exactly', async () => {
      const second = await target.open();
      try {
        const { id } = await store.create({ owner });
        const appended = await Promise.all(
          range(50).map((n) =>
            (n % 2 === 0 ? store : second).appendMessage(id, owner, {
              role: n % 2 === 0 ? 'user' : 'assistant',
              content: `m${n}`,
            }),
          ),
        );
        expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(50));
        const read = await second.get(id, owner);
        expect(read!.messages.map((m) => m.seq)).toEqual(range(50));
        expect(new Set(read!.messages.map((m) => m.content)).size).toBe(50);
      } finally {
        await second.close();
      }
    });
  }
});
