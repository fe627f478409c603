import { GatewayError } from '@app/core';
import { caught } from '@app/conversations/testing/expect-error';
import { ALL_USAGE_TARGETS, type UsageTarget } from './testing/usage-targets';
import { usageEvent } from './testing/usage-events';
import { emptyCounters, type UsageCounters } from './usage-query';
import type { UsageStore } from './usage-store';

/** The events most tests add up: two tenants, two routes, three deployments, three days. */
const EVENTS = [
  // acme, chat: one request with a failed estimated attempt then a fallback, on day 1
  usageEvent({
    requestId: 'r1',
    deployment: 'large@a',
    attemptOutcome: 'failed',
    inputTokens: 100,
    outputTokens: 3,
    costNanoUsd: 700,
    estimated: true,
  }),
  usageEvent({
    requestId: 'r1',
    deployment: 'small@b',
    attemptKind: 'fallback',
    inputTokens: 100,
    outputTokens: 20,
    cachedInputTokens: 40,
    reasoningTokens: 5,
    costNanoUsd: 1_300,
  }),
  // acme, chat, day 2, with a summary sub-request billed to it
  usageEvent({
    requestId: 'r2',
    day: '2026-01-16',
    inputTokens: 50,
    outputTokens: 10,
    costNanoUsd: 200,
  }),
  usageEvent({
    requestId: 'r2',
    day: '2026-01-16',
    subRequest: true,
    inputTokens: 900,
    outputTokens: 60,
    cacheWriteTokens: 30,
    costNanoUsd: 9_000,
  }),
  // acme, other key, route smart, unpriced deployment, day 3
  usageEvent({
    requestId: 'r3',
    keyId: 'acme-batch',
    route: 'smart',
    deployment: 'free@c',
    day: '2026-01-17',
    inputTokens: 7,
    outputTokens: 7,
    costNanoUsd: null,
  }),
  // a static key's request, day 1
  usageEvent({
    requestId: 'r4',
    tenant: 'key:ci',
    keyId: 'ci',
    inputTokens: 1,
    outputTokens: 2,
    costNanoUsd: 3,
  }),
];

function counters(partial: Partial<UsageCounters>): UsageCounters {
  return { ...emptyCounters(), ...partial };
}

describe.each(ALL_USAGE_TARGETS)('KyselyUsageStore on $name', (factory) => {
  let target: UsageTarget;
  let store: UsageStore;

  beforeAll(async () => {
    target = await factory.create();
  });
  afterAll(() => target.dispose());

  describe('with the sample events', () => {
    beforeAll(async () => {
      store = await target.open();
      await store.append(EVENTS);
    });
    afterAll(() => store.close());

    it('adds everything up, counting distinct requests once', async () => {
      const { rows, total } = await store.totals({ groupBy: [] });
      const expected = counters({
        requests: 4,
        attempts: 6,
        inputTokens: 1158,
        outputTokens: 102,
        cachedInputTokens: 40,
        cacheWriteTokens: 30,
        reasoningTokens: 5,
        costNanoUsd: 11_203n,
        estimatedAttempts: 1,
        unpricedAttempts: 1,
      });
      expect(total).toEqual(expected);
      expect(rows).toEqual([expected]);
    });

    it('groups by tenant', async () => {
      const { rows } = await store.totals({ groupBy: ['tenant'] });
      expect(rows).toEqual([
        {
          tenant: 'acme',
          ...counters({
            requests: 3,
            attempts: 5,
            inputTokens: 1157,
            outputTokens: 100,
            cachedInputTokens: 40,
            cacheWriteTokens: 30,
            reasoningTokens: 5,
            costNanoUsd: 11_200n,
            estimatedAttempts: 1,
            unpricedAttempts: 1,
          }),
        },
        {
          tenant: 'key:ci',
          ...counters({
            requests: 1,
            attempts: 1,
            inputTokens: 1,
            outputTokens: 2,
            costNanoUsd: 3n,
          }),
        },
      ]);
    });

    it('groups by deployment: a request that used two deployments counts in both, once overall', async () => {
      const { rows, total } = await store.totals({ groupBy: ['deployment'] });
      expect(
        rows.map((row) => [row.deployment, row.requests, row.attempts, row.costNanoUsd]),
      ).toEqual([
        ['free@c', 1, 1, 0n],
        ['large@a', 1, 1, 700n],
        ['small@b', 1, 1, 1_300n],
        ['small@local', 2, 3, 200n + 9_000n + 3n],
      ]);
      expect(total.requests).toBe(4);
      expect(rows.reduce((sum, row) => sum + row.requests, 0)).toBe(5);
    });

    it('groups by route and day, sorted by the keys in order', async () => {
      const { rows } = await store.totals({ groupBy: ['route', 'day'] });
      expect(rows.map((row) => [row.route, row.day, row.requests, row.inputTokens])).toEqual([
        ['chat', '2026-01-15', 2, 201],
        ['chat', '2026-01-16', 1, 950],
        ['smart', '2026-01-17', 1, 7],
      ]);
      expect(
        Object.keys(rows[0]).filter((k) => ['tenant', 'key', 'deployment'].includes(k)),
      ).toEqual([]);
    });

    it('groups by key', async () => {
      const { rows } = await store.totals({ groupBy: ['key'] });
      expect(rows.map((row) => [row.key, row.requests])).toEqual([
        ['acme-batch', 1],
        ['acme-ci', 2],
        ['ci', 1],
      ]);
    });

    it('filters by an inclusive day range and by tenant, key, route and deployment', async () => {
      const day2 = await store.totals({ groupBy: ['day'], from: '2026-01-16', to: '2026-01-16' });
      expect(day2.rows.map((row) => row.day)).toEqual(['2026-01-16']);
      expect(day2.total).toMatchObject({ requests: 1, attempts: 2, costNanoUsd: 9_200n });

      const from2 = await store.totals({ groupBy: ['day'], from: '2026-01-16' });
      expect(from2.rows.map((row) => row.day)).toEqual(['2026-01-16', '2026-01-17']);
      const to1 = await store.totals({ groupBy: ['day'], to: '2026-01-15' });
      expect(to1.rows.map((row) => row.day)).toEqual(['2026-01-15']);

      expect((await store.totals({ groupBy: [], tenant: 'key:ci' })).total).toMatchObject({
        requests: 1,
        costNanoUsd: 3n,
      });
      expect((await store.totals({ groupBy: [], key: 'acme-batch' })).total).toMatchObject({
        requests: 1,
        unpricedAttempts: 1,
      });
      expect((await store.totals({ groupBy: [], route: 'smart' })).total.attempts).toBe(1);
      expect((await store.totals({ groupBy: [], deployment: 'large@a' })).total).toMatchObject({
        attempts: 1,
        estimatedAttempts: 1,
      });
      const both = await store.totals({ groupBy: ['tenant'], tenant: 'acme', route: 'chat' });
      expect(both.rows).toHaveLength(1);
      expect(both.total.requests).toBe(2);
    });

    it('returns no rows and zero totals when nothing matches', async () => {
      expect(await store.totals({ groupBy: ['tenant'], tenant: 'nobody' })).toEqual({
        rows: [],
        total: emptyCounters(),
      });
      expect(await store.totals({ groupBy: [], from: '2030-01-01' })).toEqual({
        rows: [],
        total: emptyCounters(),
      });
    });

    it('refuses a bad query with a 400 naming the field', async () => {
      const error = await caught(store.totals({ groupBy: ['model' as unknown as 'day'] }));
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param: 'groupBy' });
      await expect(
        store.totals({ groupBy: [], from: '2026-01-02', to: '2026-01-01' }),
      ).rejects.toMatchObject({ status: 400, param: 'from' });
    });
  });

  describe('on its own data', () => {
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(() => store.close());

    const fresh = (tag: string) => ({ tenant: `t-${tag}-${Math.random().toString(36).slice(2)}` });

    it('sums costs and tokens exactly past 2^53', async () => {
      const { tenant } = fresh('big');
      // 4e15 nanos ($4M) each: the sum, 1.2e16, is past Number.MAX_SAFE_INTEGER (~9.007e15)
      const big = 4_000_000_000_000_001;
      expect(Number.isSafeInteger(big)).toBe(true);
      await store.append([
        usageEvent({
          id: `${tenant}-1`,
          tenant,
          requestId: 'a',
          costNanoUsd: big,
          inputTokens: 2_000_000_000,
        }),
        usageEvent({
          id: `${tenant}-2`,
          tenant,
          requestId: 'b',
          costNanoUsd: big,
          inputTokens: 2_000_000_000,
        }),
        usageEvent({
          id: `${tenant}-3`,
          tenant,
          requestId: 'c',
          costNanoUsd: big + 1,
          inputTokens: 2_000_000_000,
        }),
      ]);
      const { total } = await store.totals({ groupBy: [], tenant });
      expect(total.costNanoUsd).toBe(12_000_000_000_000_004n);
      expect(total.inputTokens).toBe(6_000_000_000);
      // and many small ones: no float drift
      const { tenant: small } = fresh('small');
      await store.append(
        Array.from({ length: 1200 }, (_, n) =>
          usageEvent({ tenant: small, requestId: `s${n}`, costNanoUsd: 100_000_001 }),
        ),
      );
      expect((await store.totals({ groupBy: [], tenant: small })).total).toMatchObject({
        requests: 1200,
        costNanoUsd: 120_000_001_200n,
      });
    });

    it('writes a batch all or nothing, and skips events whose id it already has', async () => {
      const { tenant } = fresh('idem');
      const events = [
        usageEvent({ id: `${tenant}-a`, tenant, requestId: 'x' }),
        usageEvent({ id: `${tenant}-b`, tenant, requestId: 'y' }),
      ];
      await store.append(events);
      await store.append(events);
      expect((await store.totals({ groupBy: [], tenant })).total.attempts).toBe(2);

      const bad = [usageEvent({ tenant, requestId: 'z' }), usageEvent({ tenant, inputTokens: -5 })];
      await expect(store.append(bad)).rejects.toMatchObject({
        status: 400,
        code: 'invalid_usage_event',
      });
      expect((await store.totals({ groupBy: [], tenant })).total.attempts).toBe(2);
    });

    it('keeps events without a key or route as null groups', async () => {
      const { tenant } = fresh('null');
      await store.append([usageEvent({ tenant, keyId: null, route: null })]);
      const { rows } = await store.totals({ groupBy: ['key', 'route'], tenant });
      expect(rows).toEqual([expect.objectContaining({ key: null, route: null, attempts: 1 })]);
    });

    it('pings, and fails with a 503 once closed', async () => {
      expect(await store.ping()).toMatchObject({ ok: true, latencyMs: expect.any(Number) });
      await store.close();
      expect(await store.ping()).toEqual({ ok: false, error: 'The usage store is closed.' });
      await expect(store.append([usageEvent()])).rejects.toMatchObject({
        status: 503,
        code: 'usage_store_unavailable',
      });
      await expect(store.totals({ groupBy: [] })).rejects.toMatchObject({ status: 503 });
    });
  });
});
