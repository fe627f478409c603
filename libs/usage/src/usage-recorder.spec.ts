import { createRequestContext, GatewayError, makeUsage, type RequestContext } from '@app/core';
import {
  dropSchema,
  queryRows,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '@app/conversations/testing/postgres-test-database';
import { openUsageStore } from './open-usage-store';
import { usageEvent } from './testing/usage-events';
import type { UsageEvent } from './usage-event';
import { UsageRecorder, type UsageRecorderLogger } from './usage-recorder';
import type { UsageStore } from './usage-store';

/** A store whose writes can be made to fail, in front of a real SQLite one. */
class FlakyStore {
  down = false;
  /** each append's size, failed ones included */
  readonly calls: number[] = [];

  constructor(readonly real: UsageStore) {}

  async append(events: readonly UsageEvent[]): Promise<void> {
    this.calls.push(events.length);
    if (this.down) throw new Error('database is locked: postgres://u:hunter2-secret@db/x');
    await this.real.append(events);
  }

  async stored(): Promise<number> {
    return (await this.real.totals({ groupBy: [] })).total.attempts;
  }
}

class Logs implements UsageRecorderLogger {
  readonly lines: string[] = [];
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
}

const events = (count: number, prefix = 'r') =>
  Array.from({ length: count }, (_, n) => usageEvent({ requestId: `${prefix}${n}` }));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('UsageRecorder', () => {
  let real: UsageStore;
  let store: FlakyStore;
  let logs: Logs;
  const recorders: UsageRecorder[] = [];

  function recorder(options: ConstructorParameters<typeof UsageRecorder>[1] = {}): UsageRecorder {
    const made = new UsageRecorder(store, { logger: logs, ...options });
    recorders.push(made);
    return made;
  }

  beforeEach(async () => {
    real = await openUsageStore({ sqlitePath: ':memory:' });
    store = new FlakyStore(real);
    logs = new Logs();
  });
  afterEach(async () => {
    store.down = false;
    for (const made of recorders.splice(0)) await made.close();
    await real.close();
  });

  it('buffers off the request path and writes on the next tick', async () => {
    const usage = recorder({ flushIntervalMs: 30 });
    usage.record(events(3));
    expect(store.calls).toEqual([]);
    expect(usage.stats()).toMatchObject({ pending: 3, written: 0 });
    await until(async () => (await store.stored()) === 3);
    expect(store.calls).toEqual([3]);
    expect(usage.stats()).toMatchObject({ pending: 0, written: 3, dropped: 0, failing: false });
  });

  it('writes at once when flushAtEvents are waiting, in batches of that size', async () => {
    const usage = recorder({ flushIntervalMs: 60_000, flushAtEvents: 4 });
    usage.record(events(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.calls).toEqual([]);
    usage.record(events(7, 's'));
    await until(async () => (await store.stored()) === 10);
    expect(store.calls).toEqual([4, 4, 2]);
  });

  it('flush() writes everything waiting, also after a flush already in progress', async () => {
    const usage = recorder({ flushIntervalMs: 60_000 });
    usage.record(events(2));
    const first = usage.flush();
    usage.record(events(3, 's'));
    const second = usage.flush();
    const [a, b] = [await first, await second];
    // the first takes at least what was there when it was called; the second the rest
    expect(a.written).toBeGreaterThanOrEqual(2);
    expect(a.written + b.written).toBe(5);
    expect(b.pending).toBe(0);
    expect(await store.stored()).toBe(5);
  });

  it('reads a finished request on the next turn of the event loop, or at a flush before it', async () => {
    const usage = recorder({ flushIntervalMs: 60_000 });
    const context: RequestContext = createRequestContext({
      requestId: 'req_1',
      tenant: { id: 'acme', keyId: 'k' },
    });
    context.meta.route = 'chat';
    context.meta.attemptLog = [
      {
        deployment: 'd',
        provider: 'p',
        kind: 'first',
        outcome: 'ok',
        startedAt: Date.now(),
        ms: 1,
      },
    ];
    usage.recordRequest(context);
    // settled after the request's end was reported (a cancelled stream's last attempt)
    context.meta.attemptLog[0].usage = makeUsage(11, 4, { estimated: true });
    context.meta.attemptLog[0].costNanoUsd = 99;
    expect(usage.stats().pending).toBe(1);
    await usage.flush();
    const { rows } = await real.totals({ groupBy: ['tenant', 'route'] });
    expect(rows).toEqual([
      expect.objectContaining({
        tenant: 'acme',
        route: 'chat',
        inputTokens: 11,
        costNanoUsd: 99n,
        estimatedAttempts: 1,
      }),
    ]);
  });

  it('keeps the events when the store fails, warns once without secrets, and recovers', async () => {
    const usage = recorder({ flushIntervalMs: 20 });
    store.down = true;
    usage.record(events(3));
    await until(() => store.calls.length >= 3);
    expect(usage.stats()).toMatchObject({ pending: 3, written: 0, failing: true, dropped: 0 });
    expect(usage.stats().lastError).toContain('database is locked');
    const warnings = logs.lines.filter((line) => line.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not write 3 events');
    expect(logs.lines.join('\n')).not.toContain('hunter2-secret');
    expect(JSON.stringify(usage.stats())).not.toContain('hunter2-secret');
    // a flush on demand fails the same way, without throwing
    expect(await usage.flush()).toMatchObject({ written: 0, pending: 3 });

    usage.record(events(2, 'later'));
    store.down = false;
    await until(async () => (await store.stored()) === 5);
    expect(usage.stats()).toMatchObject({ pending: 0, written: 5, failing: false });
    expect(usage.stats()).not.toHaveProperty('lastError');
    expect(logs.lines.at(-1)).toMatch(/^log usage ledger: writing again/);
  });

  it('does not count a batch twice when its commit was not confirmed', async () => {
    let failAfterWrite = true;
    const ambiguous = {
      append: async (batch: readonly UsageEvent[]) => {
        await real.append(batch);
        if (failAfterWrite) {
          failAfterWrite = false;
          throw new Error('connection reset after commit');
        }
      },
    };
    const usage = new UsageRecorder(ambiguous, { flushIntervalMs: 60_000, logger: logs });
    recorders.push(usage);
    usage.record(events(4));
    expect(await usage.flush()).toMatchObject({ written: 0, pending: 4 });
    expect(await usage.flush()).toEqual({ written: 4, pending: 0 });
    expect((await real.totals({ groupBy: [] })).total.attempts).toBe(4);
  });

  it('holds at most maxBufferedEvents while failing, dropping the oldest (counted, logged)', async () => {
    const written: string[] = [];
    let down = true;
    const capturing = {
      append: async (batch: readonly UsageEvent[]) => {
        if (down) throw new Error('down');
        written.push(...batch.map((event) => event.requestId));
      },
    };
    const usage = new UsageRecorder(capturing, {
      flushIntervalMs: 20,
      maxBufferedEvents: 5,
      flushAtEvents: 3,
      logger: logs,
    });
    recorders.push(usage);
    usage.record(events(4, 'old'));
    await until(() => usage.stats().failing);
    usage.record(events(4, 'new'));
    expect(usage.stats()).toMatchObject({ pending: 5, dropped: 3 });
    await until(() => logs.lines.some((line) => line.includes('dropped 3 events')));
    down = false;
    await usage.flush();
    expect(written).toEqual(['old3', 'new0', 'new1', 'new2', 'new3']);
    expect(usage.stats()).toMatchObject({ pending: 0, written: 5, dropped: 3 });
  });

  it('close() writes everything left; what arrives after close is counted as lost', async () => {
    const usage = recorder({ flushIntervalMs: 60_000 });
    usage.record(events(1200));
    await usage.close();
    expect(await store.stored()).toBe(1200);
    expect(usage.stats()).toMatchObject({ pending: 0, written: 1200, dropped: 0 });
    usage.record(events(2, 'late'));
    expect(usage.stats().dropped).toBe(2);
    expect(logs.lines.at(-1)).toContain('arrived after close');
    await usage.close(); // idempotent
  });

  it('close() with the store down loses the events with a warning, and resolves', async () => {
    const usage = recorder({ flushIntervalMs: 60_000 });
    usage.record(events(3));
    store.down = true;
    await expect(usage.close()).resolves.toBeUndefined();
    expect(usage.stats()).toMatchObject({ pending: 0, dropped: 3 });
    expect(logs.lines.at(-1)).toMatch(/closed with 3 events unwritten/);
    expect(logs.lines.join('\n')).not.toContain('hunter2-secret');
  });

  it('drops a batch the store refuses for its content (400) instead of retrying it forever', async () => {
    let calls = 0;
    const refusing = {
      append: async (batch: readonly UsageEvent[]) => {
        calls += 1;
        if (calls === 1) throw GatewayError.invalidRequest('Invalid usage event: no.', 'events');
        await real.append(batch);
      },
    };
    const usage = new UsageRecorder(refusing, {
      flushIntervalMs: 60_000,
      flushAtEvents: 2,
      logger: logs,
    });
    recorders.push(usage);
    usage.record(events(2, 'a'));
    usage.record(events(2, 'b'));
    await usage.flush();
    expect(await store.real.totals({ groupBy: [] })).toMatchObject({ total: { attempts: 2 } });
    expect(usage.stats()).toMatchObject({ pending: 0, written: 2, dropped: 2, failing: false });
    expect(logs.lines.some((line) => line.includes('refused 2 events'))).toBe(true);
  });

  it('drops an invalid event instead of poisoning its batch', async () => {
    const usage = recorder({ flushIntervalMs: 60_000 });
    usage.record([usageEvent({ requestId: 'ok' }), usageEvent({ inputTokens: Number.NaN })]);
    await usage.flush();
    expect(await store.stored()).toBe(1);
    expect(usage.stats().dropped).toBe(1);
    expect(logs.lines[0]).toContain('invalid event');
  });
});

describe('UsageRecorder on PostgreSQL', () => {
  const schema = uniqueSchemaName('usage_rec');
  afterAll(() => dropSchema(schema));

  it('survives a failing table and writes everything once it is back', async () => {
    const url = TEST_DATABASE_URL.replace('://postgres@', '://postgres:pg-Secret-999@');
    const store = await openUsageStore({ databaseUrl: url, schema });
    const logs = new Logs();
    const usage = new UsageRecorder(store, { flushIntervalMs: 20, logger: logs });
    try {
      usage.record(events(2, 'before'));
      await usage.flush();
      await queryRows(`alter table "${schema}".usage_events rename to usage_events_away`);
      usage.record(events(3, 'during'));
      await until(() => usage.stats().failing);
      expect(usage.stats()).toMatchObject({ pending: 3, written: 2 });
      expect(logs.lines.join('\n')).not.toContain('pg-Secret-999');
      await queryRows(`alter table "${schema}".usage_events_away rename to usage_events`);
      await until(() => usage.stats().pending === 0 && !usage.stats().failing);
      const { total } = await store.totals({ groupBy: [] });
      expect(total).toMatchObject({ requests: 5, attempts: 5, costNanoUsd: 5000n });
    } finally {
      await usage.close();
      await store.close();
    }
  });
});
