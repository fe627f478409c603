import { ResilienceRegistry } from './resilience-registry';
import { FakeClock } from './testing/fake-clock';

const breaker = {
  consecutiveFailures: 2,
  failureRate: 0,
  windowMs: 10_000,
  minimumCalls: 10,
  coolDownMs: 1000,
};

function registry(clock: FakeClock) {
  return new ResilienceRegistry(
    {
      deployments: [
        { name: 'a', breaker },
        { name: 'b', breaker: { ...breaker, consecutiveFailures: 5 } },
      ],
      providers: [{ name: 'p', maxConcurrent: 1, maxQueue: 0, queueTimeoutMs: 0 }],
      retryBudget: { ratio: 0.5, windowMs: 10_000, minPerWindow: 1 },
    },
    { now: clock.now },
  );
}

describe('ResilienceRegistry', () => {
  it('lists every configured breaker, bulkhead and budget before any traffic', () => {
    const snapshot = registry(new FakeClock(0)).snapshot();
    expect(snapshot.breakers.map((b) => [b.name, b.state])).toEqual([
      ['a', 'closed'],
      ['b', 'closed'],
    ]);
    expect(snapshot.bulkheads).toEqual([expect.objectContaining({ name: 'p', inFlight: 0 })]);
    expect(snapshot.retryBudgets.map((b) => b.name)).toEqual(['a', 'b']);
  });

  it("settles outcomes into each deployment's own breaker", () => {
    const clock = new FakeClock(0);
    const guards = registry(clock);
    guards.settle('a', 'failure');
    guards.settle('b', 'failure');
    guards.settle('a', 'failure');
    expect(guards.admit('a')).toBe(false);
    expect(guards.admit('b')).toBe(true);
    expect(guards.closestToRecovery(['a'])).toBe('a');
    clock.advance(1000);
    expect(guards.admit('a')).toBe(true); // the half-open probe
    expect(guards.admit('a')).toBe(false);
    guards.settle('a', 'none'); // cancelled probe frees the slot
    expect(guards.admit('a')).toBe(true);
    guards.settle('a', 'success', 120);
    expect(guards.snapshot().breakers[0].state).toBe('closed');
  });

  it('caps retries at the budget share of first attempts', () => {
    const guards = registry(new FakeClock(0));
    for (let i = 0; i < 4; i += 1) guards.onRequest('a');
    const allowed = Array.from({ length: 4 }, () => guards.allowRetry('a')).filter(Boolean);
    expect(allowed).toHaveLength(2);
  });

  it('records latency only for successes, and has none before enough samples', () => {
    const guards = registry(new FakeClock(0));
    for (let i = 1; i <= 30; i += 1) guards.settle('b', 'success', i * 10);
    guards.settle('b', 'failure', 99_999);
    expect(guards.latencyPercentile('a', 50)).toBeUndefined();
    expect(guards.latencyPercentile('b', 50)).toBe(150);
  });

  it('gives each provider its bulkhead', () => {
    const guards = registry(new FakeClock(0));
    const bulkhead = guards.bulkhead('p');
    expect(bulkhead?.tryAcquire()).toBe(true);
    expect(bulkhead?.tryAcquire()).toBe(false);
    expect(guards.bulkhead('unknown')).toBeUndefined();
  });
});
