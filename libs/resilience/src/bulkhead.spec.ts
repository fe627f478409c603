import { GatewayError } from '@app/core';
import { Bulkhead } from './bulkhead';
import type { BulkheadSettings } from './bulkhead';
import { minHeapGrowth, NO_ALLOCATION_BOUND_BYTES } from './testing/heap-growth';

const make = (overrides: Partial<BulkheadSettings> = {}, retryAfterMs?: number) =>
  new Bulkhead(
    'openai-us',
    { maxConcurrent: 2, maxQueue: 3, queueTimeoutMs: 1000, ...overrides },
    retryAfterMs === undefined ? {} : { retryAfterMs },
  );

/** the settled state of a promise after pending callbacks ran */
const settle = async (promise: Promise<void>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = error instanceof GatewayError ? error.code : 'rejected'),
  );
  await flush();
  return state;
};

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('Bulkhead', () => {
  afterEach(() => jest.useRealTimers());

  describe('tryAcquire', () => {
    it('takes slots up to maxConcurrent, then refuses without waiting', () => {
      const bulkhead = make();
      expect(bulkhead.tryAcquire()).toBe(true);
      expect(bulkhead.tryAcquire()).toBe(true);
      expect(bulkhead.tryAcquire()).toBe(false);
      expect(bulkhead.inFlight).toBe(2);
      bulkhead.release();
      expect(bulkhead.inFlight).toBe(1);
      expect(bulkhead.tryAcquire()).toBe(true);
    });
  });

  describe('acquire', () => {
    it('resolves at once with a free slot (no waiting, no timer)', async () => {
      jest.useFakeTimers();
      const bulkhead = make();
      await expect(bulkhead.acquire()).resolves.toBeUndefined();
      expect(bulkhead.inFlight).toBe(1);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('queues when full and hands released slots to waiters in FIFO order', async () => {
      const bulkhead = make({ maxConcurrent: 1, maxQueue: 3 });
      expect(bulkhead.tryAcquire()).toBe(true);
      const order: string[] = [];
      const waiters = ['a', 'b', 'c'].map((name) =>
        bulkhead.acquire().then(() => {
          order.push(name);
        }),
      );
      expect(bulkhead.queued).toBe(3);
      expect(bulkhead.tryAcquire()).toBe(false); // the queue is not overtaken
      await flush();
      expect(order).toEqual([]);

      bulkhead.release();
      await flush();
      expect(order).toEqual(['a']);
      expect(bulkhead.inFlight).toBe(1); // handed over, not freed
      expect(bulkhead.queued).toBe(2);

      bulkhead.release();
      bulkhead.release();
      await Promise.all(waiters);
      expect(order).toEqual(['a', 'b', 'c']);
      expect(bulkhead.queued).toBe(0);
      bulkhead.release();
      expect(bulkhead.inFlight).toBe(0);
    });

    it('refuses at once with provider_busy (503, Retry-After) when the queue is full', async () => {
      const bulkhead = make({ maxConcurrent: 1, maxQueue: 1 }, 2500);
      bulkhead.tryAcquire();
      const waiting = bulkhead.acquire();
      const error = await bulkhead.acquire().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({
        status: 503,
        type: 'overloaded_error',
        code: 'provider_busy',
        retryAfterMs: 2500,
      });
      expect((error as GatewayError).message).toMatch(/^openai-us is at its concurrency limit/);
      expect(bulkhead.queued).toBe(1);
      bulkhead.release();
      await waiting;
    });

    it('uses a Retry-After of 1000 ms by default', async () => {
      const bulkhead = make({ maxConcurrent: 1, maxQueue: 0 });
      bulkhead.tryAcquire();
      await expect(bulkhead.acquire()).rejects.toMatchObject({ retryAfterMs: 1000 });
    });

    it('does not queue at all with maxQueue 0 or queueTimeoutMs 0', async () => {
      for (const settings of [{ maxQueue: 0 }, { queueTimeoutMs: 0 }]) {
        const bulkhead = make({ maxConcurrent: 1, ...settings });
        bulkhead.tryAcquire();
        expect(await settle(bulkhead.acquire())).toBe('provider_busy');
        expect(bulkhead.queued).toBe(0);
      }
    });

    it('times a waiter out after queueTimeoutMs and takes it out of the queue (fake timers)', async () => {
      jest.useFakeTimers();
      const bulkhead = make({ maxConcurrent: 1, queueTimeoutMs: 1000 });
      bulkhead.tryAcquire();
      const first = bulkhead.acquire();
      jest.advanceTimersByTime(400);
      const second = bulkhead.acquire();
      jest.advanceTimersByTime(599);
      expect(await settle(first)).toBe('pending');
      jest.advanceTimersByTime(1);
      expect(await settle(first)).toBe('provider_busy');
      expect(bulkhead.queued).toBe(1);
      await expect(first).rejects.toThrow(/no slot was freed within 1000 ms/);
      // the next release goes to the remaining waiter, whose timer is then disarmed
      bulkhead.release();
      expect(await settle(second)).toBe('resolved');
      expect(jest.getTimerCount()).toBe(0);
      expect(bulkhead.inFlight).toBe(1);
    });

    it('times out with a real short timer', async () => {
      const bulkhead = make({ maxConcurrent: 1, queueTimeoutMs: 20 });
      bulkhead.tryAcquire();
      const started = Date.now();
      await expect(bulkhead.acquire()).rejects.toMatchObject({ code: 'provider_busy' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(15);
      expect(bulkhead.queued).toBe(0);
      expect(bulkhead.inFlight).toBe(1);
    });

    it('rejects with aborted and leaves the queue when the signal aborts while queued', async () => {
      jest.useFakeTimers();
      const bulkhead = make({ maxConcurrent: 1 });
      bulkhead.tryAcquire();
      const controller = new AbortController();
      const gone = bulkhead.acquire(controller.signal);
      const next = bulkhead.acquire();
      controller.abort();
      const error = await gone.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 499, code: 'client_closed_request' });
      expect(bulkhead.queued).toBe(1);
      expect(jest.getTimerCount()).toBe(1); // only the other waiter's
      bulkhead.release(); // goes past the aborted caller to the next one
      expect(await settle(next)).toBe('resolved');
      expect(bulkhead.inFlight).toBe(1);
    });

    it('removes a waiter from the middle of the queue and keeps FIFO for the others', async () => {
      const bulkhead = make({ maxConcurrent: 1, maxQueue: 3 });
      bulkhead.tryAcquire();
      const controller = new AbortController();
      const order: string[] = [];
      const a = bulkhead.acquire().then(() => order.push('a'));
      const b = bulkhead.acquire(controller.signal).catch(() => order.push('b aborted'));
      const c = bulkhead.acquire().then(() => order.push('c'));
      controller.abort();
      await b;
      bulkhead.release();
      await a;
      bulkhead.release();
      await c;
      expect(order).toEqual(['b aborted', 'a', 'c']);
      expect(bulkhead.queued).toBe(0);
    });

    it('rejects with aborted at once for a signal that already aborted, taking no slot', async () => {
      const bulkhead = make();
      const signal = AbortSignal.abort();
      await expect(bulkhead.acquire(signal)).rejects.toMatchObject({
        code: 'client_closed_request',
      });
      expect(bulkhead.inFlight).toBe(0);
    });

    it('ignores an abort after the slot was handed over (the caller must release it)', async () => {
      const bulkhead = make({ maxConcurrent: 1 });
      bulkhead.tryAcquire();
      const controller = new AbortController();
      const waiting = bulkhead.acquire(controller.signal);
      bulkhead.release();
      controller.abort();
      await expect(waiting).resolves.toBeUndefined();
      expect(bulkhead.inFlight).toBe(1);
      bulkhead.release();
      expect(bulkhead.inFlight).toBe(0);
    });
  });

  describe('release', () => {
    it('ignores releasing more than was acquired and counts it', () => {
      const bulkhead = make();
      bulkhead.tryAcquire();
      bulkhead.release();
      bulkhead.release();
      bulkhead.release();
      expect(bulkhead.inFlight).toBe(0);
      expect(bulkhead.snapshot().unmatchedReleases).toBe(2);
      // the limit still holds afterwards
      expect(bulkhead.tryAcquire()).toBe(true);
      expect(bulkhead.tryAcquire()).toBe(true);
      expect(bulkhead.tryAcquire()).toBe(false);
    });
  });

  it('snapshots as plain JSON', () => {
    const bulkhead = make();
    bulkhead.tryAcquire();
    expect(bulkhead.snapshot()).toEqual({
      name: 'openai-us',
      inFlight: 1,
      queued: 0,
      maxConcurrent: 2,
      maxQueue: 3,
      unmatchedReleases: 0,
    });
  });

  it('allocates nothing on tryAcquire and release', () => {
    const bulkhead = make({ maxConcurrent: 4 });
    const growth = minHeapGrowth((n) => {
      for (let i = 0; i < n; i++) {
        bulkhead.tryAcquire();
        bulkhead.tryAcquire();
        bulkhead.release();
        bulkhead.release();
      }
    });
    expect(bulkhead.inFlight).toBe(0);
    expect(growth).toBeLessThan(NO_ALLOCATION_BOUND_BYTES);
  });
});
