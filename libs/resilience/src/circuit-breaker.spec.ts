import { CircuitBreaker } from './circuit-breaker';
import type { BreakerSettings, BreakerState } from './circuit-breaker';
import { FakeClock } from './testing/fake-clock';
import { minHeapGrowth, NO_ALLOCATION_BOUND_BYTES } from './testing/heap-growth';

const settings = (overrides: Partial<BreakerSettings> = {}): BreakerSettings => ({
  consecutiveFailures: 3,
  failureRate: 0,
  windowMs: 10_000,
  minimumCalls: 10,
  coolDownMs: 5_000,
  ...overrides,
});

const setup = (overrides: Partial<BreakerSettings> = {}, start = 1_000_000) => {
  const clock = new FakeClock(start);
  const changes: Array<[string, BreakerState, BreakerState]> = [];
  const breaker = new CircuitBreaker('gpt@us', settings(overrides), {
    now: clock.now,
    onStateChange: (name, from, to) => changes.push([name, from, to]),
  });
  return { clock, breaker, changes };
};

/** a call admitted and reported */
const call = (breaker: CircuitBreaker, ok: boolean) => {
  expect(breaker.tryAcquire()).toBe(true);
  if (ok) breaker.onSuccess();
  else breaker.onFailure();
};

describe('CircuitBreaker', () => {
  describe('closed', () => {
    it('lets every call through and counts outcomes', () => {
      const { breaker } = setup();
      for (let i = 0; i < 5; i++) call(breaker, true);
      call(breaker, false);
      expect(breaker.state).toBe('closed');
      expect(breaker.msUntilHalfOpen()).toBe(0);
      expect(breaker.snapshot()).toEqual({
        name: 'gpt@us',
        state: 'closed',
        consecutiveFailures: 1,
        callsInWindow: 6,
        failuresInWindow: 1,
      });
    });

    it('opens on the n-th consecutive failure, and a success resets the streak', () => {
      const { breaker, changes } = setup({ consecutiveFailures: 3 });
      call(breaker, false);
      call(breaker, false);
      call(breaker, true);
      call(breaker, false);
      call(breaker, false);
      expect(breaker.state).toBe('closed');
      call(breaker, false);
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([['gpt@us', 'closed', 'open']]);
    });

    it('opens on the failure rate only once the window holds minimumCalls', () => {
      const { breaker } = setup({ consecutiveFailures: 0, failureRate: 0.5, minimumCalls: 10 });
      // alternate: the rate is 50% from the second call on, but too few calls
      for (let i = 0; i < 9; i++) call(breaker, i % 2 === 1);
      expect(breaker.snapshot()).toMatchObject({ callsInWindow: 9, failuresInWindow: 5 });
      expect(breaker.state).toBe('closed');
      call(breaker, false); // 10 calls, 6 failures
      expect(breaker.state).toBe('open');
    });

    it('opens at exactly the configured share (no rounding error)', () => {
      const { breaker } = setup({ consecutiveFailures: 0, failureRate: 0.07, minimumCalls: 100 });
      for (let i = 0; i < 93; i++) call(breaker, true);
      for (let i = 0; i < 6; i++) call(breaker, false);
      expect(breaker.state).toBe('closed');
      call(breaker, false); // 7 of 100 = 7%, though 0.07 * 100 = 7.000000000000001
      expect(breaker.state).toBe('open');
    });

    it('does not open on the rate when failures have left the window', () => {
      const { clock, breaker } = setup({
        consecutiveFailures: 0,
        failureRate: 0.5,
        minimumCalls: 4,
        windowMs: 1000,
      });
      call(breaker, false);
      call(breaker, false);
      call(breaker, false);
      clock.advance(1000); // the three failures leave the window
      call(breaker, true);
      call(breaker, true);
      call(breaker, true);
      call(breaker, false); // 1 of 4
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot()).toMatchObject({ callsInWindow: 4, failuresInWindow: 1 });
    });

    it('never opens with both triggers disabled', () => {
      const { breaker } = setup({ consecutiveFailures: 0, failureRate: 0 });
      for (let i = 0; i < 100; i++) call(breaker, false);
      expect(breaker.state).toBe('closed');
    });
  });

  describe('open', () => {
    const opened = () => {
      const env = setup({ consecutiveFailures: 1, coolDownMs: 5_000 });
      call(env.breaker, false);
      return env;
    };

    it('refuses calls until the cool-down has passed, to the millisecond', () => {
      const { clock, breaker } = opened();
      expect(breaker.tryAcquire()).toBe(false);
      expect(breaker.msUntilHalfOpen()).toBe(5_000);
      clock.advance(4_999);
      expect(breaker.msUntilHalfOpen()).toBe(1);
      expect(breaker.state).toBe('open');
      expect(breaker.tryAcquire()).toBe(false);
      clock.advance(1);
      expect(breaker.msUntilHalfOpen()).toBe(0);
      expect(breaker.state).toBe('half-open');
      expect(breaker.msUntilHalfOpen()).toBe(0);
    });

    it('reports when it opened and when it will half-open', () => {
      const { clock, breaker } = opened();
      expect(breaker.snapshot()).toEqual({
        name: 'gpt@us',
        state: 'open',
        consecutiveFailures: 1,
        callsInWindow: 1,
        failuresInWindow: 1,
        openedAt: 1_000_000,
        halfOpenAt: 1_005_000,
      });
      expect(JSON.parse(JSON.stringify(breaker.snapshot()))).toEqual(breaker.snapshot());
      clock.advance(5_000);
      expect(breaker.snapshot().state).toBe('half-open');
    });

    it('ignores outcomes of calls admitted before it opened', () => {
      const { breaker } = opened();
      breaker.onSuccess();
      breaker.onFailure();
      breaker.release();
      expect(breaker.state).toBe('open');
      expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 1, callsInWindow: 1 });
    });

    it('half-opens at once with a zero cool-down', () => {
      const { breaker } = setup({ consecutiveFailures: 1, coolDownMs: 0 });
      call(breaker, false);
      expect(breaker.state).toBe('half-open');
    });
  });

  describe('half-open', () => {
    const halfOpen = () => {
      const env = setup({ consecutiveFailures: 2, coolDownMs: 5_000 });
      call(env.breaker, false);
      call(env.breaker, false);
      env.clock.advance(5_000);
      return env;
    };

    it('lets exactly one probe through at a time (tryAcquire starts half-open itself)', () => {
      const { breaker, changes } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.tryAcquire()).toBe(false);
      expect(breaker.tryAcquire()).toBe(false);
      expect(breaker.state).toBe('half-open');
      expect(changes.map(([, from, to]) => `${from}->${to}`)).toEqual([
        'closed->open',
        'open->half-open',
      ]);
    });

    it("closes on the probe's success and resets the counts", () => {
      const { breaker, changes } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onSuccess();
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot()).toEqual({
        name: 'gpt@us',
        state: 'closed',
        consecutiveFailures: 0,
        callsInWindow: 0,
        failuresInWindow: 0,
      });
      expect(changes.at(-1)).toEqual(['gpt@us', 'half-open', 'closed']);
      // closed again: every call passes, and it takes a fresh streak to open
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onFailure();
      expect(breaker.state).toBe('closed');
    });

    it("re-opens on the probe's failure for another full cool-down", () => {
      const { clock, breaker, changes } = halfOpen();
      clock.advance(123);
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onFailure();
      expect(breaker.state).toBe('open');
      expect(breaker.snapshot()).toMatchObject({
        openedAt: 1_005_123,
        halfOpenAt: 1_010_123,
        consecutiveFailures: 3,
      });
      expect(breaker.tryAcquire()).toBe(false);
      clock.advance(4_999);
      expect(breaker.tryAcquire()).toBe(false);
      clock.advance(1);
      expect(breaker.tryAcquire()).toBe(true);
      expect(changes.map(([, from, to]) => `${from}->${to}`)).toEqual([
        'closed->open',
        'open->half-open',
        'half-open->open',
        'open->half-open',
      ]);
    });

    it('frees the probe slot when the probe ends without an outcome', () => {
      const { breaker } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.tryAcquire()).toBe(false);
      breaker.release(); // the caller went away
      expect(breaker.state).toBe('half-open');
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onSuccess();
      expect(breaker.state).toBe('closed');
    });

    it('release in closed changes nothing', () => {
      const { breaker } = setup();
      breaker.release();
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.state).toBe('closed');
    });
  });

  it('uses Date.now when no clock is given', () => {
    const breaker = new CircuitBreaker(
      'd',
      settings({ consecutiveFailures: 1, coolDownMs: 60_000 }),
    );
    breaker.onFailure();
    const snapshot = breaker.snapshot();
    expect(snapshot.state).toBe('open');
    expect(Math.abs(snapshot.openedAt! - Date.now())).toBeLessThan(1000);
    expect(breaker.msUntilHalfOpen()).toBeGreaterThan(59_000);
  });

  it('allocates nothing on the closed path', () => {
    const clock = new FakeClock(0);
    const breaker = new CircuitBreaker('d', settings({ failureRate: 0.9 }), { now: clock.now });
    const growth = minHeapGrowth((n) => {
      for (let i = 0; i < n; i++) {
        clock.time = (clock.time + 3) % 1_000_000;
        if (breaker.tryAcquire()) {
          if (i % 4 === 0) breaker.onFailure();
          else breaker.onSuccess();
        }
      }
    });
    expect(breaker.state).toBe('closed');
    expect(growth).toBeLessThan(NO_ALLOCATION_BOUND_BYTES);
  });
});
