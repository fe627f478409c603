import { parseDirectives } from './directives';
import { DEFAULT_STALL_MS, DRAWS_PER_REQUEST, directiveFaults, drawFaults } from './faults';
import { createRng } from './prng';

describe('fault plans', () => {
  it('draws nothing when no faults are configured', () => {
    const rng = createRng(1);
    for (let i = 0; i < 100; i++) expect(drawFaults(rng, {})).toEqual({ stallMs: 0 });
  });

  it('always consumes the same number of draws', () => {
    const a = createRng(5);
    const b = createRng(5);
    drawFaults(a, { rateLimit: 1, stall: 1, streamCut: 1 });
    for (let i = 0; i < DRAWS_PER_REQUEST; i++) b.next();
    expect(a.next()).toBe(b.next());
  });

  it.each([
    ['rateLimit', 429],
    ['serverError', 500],
    ['unavailable', 503],
    ['overloaded', 529],
  ] as const)('%s at probability 1 fails with %i', (key, status) => {
    const plan = drawFaults(createRng(3), { [key]: 1 });
    expect(plan.failure).toMatchObject({ kind: 'status', status });
    if (status === 429) {
      expect(plan.failure).toHaveProperty('retryAfterMs');
    }
  });

  it('rate limits carry a retry hint between 250 and 2000 ms', () => {
    const rng = createRng(8);
    for (let i = 0; i < 50; i++) {
      const plan = drawFaults(rng, { rateLimit: 1 });
      const hint = plan.failure?.kind === 'status' ? plan.failure.retryAfterMs : undefined;
      expect(hint).toBeGreaterThanOrEqual(250);
      expect(hint).toBeLessThanOrEqual(2000);
    }
  });

  it('stall and streamCut are independent of failures', () => {
    const plan = drawFaults(createRng(2), { stall: 1, stallMs: 1234, streamCut: 1 });
    expect(plan.failure).toBeUndefined();
    expect(plan.stallMs).toBe(1234);
    expect(plan.cutAfterChunks).toBeGreaterThanOrEqual(1);
    expect(plan.cutAfterChunks).toBeLessThanOrEqual(4);
    expect(drawFaults(createRng(2), { stall: 1 }).stallMs).toBe(DEFAULT_STALL_MS);
  });

  it('a mid-stream stall shares the stall draw, pauses after 1..4 chunks, and moves no other fault', () => {
    const rng = createRng(4);
    const mixed = Array.from({ length: 2000 }, () =>
      drawFaults(rng, { stall: 0.2, stallMidStream: 0.3, stallMs: 700, serverError: 0.1 }),
    );
    const before = mixed.filter((p) => p.stallMs > 0);
    const middle = mixed.filter((p) => p.stallAfterChunks !== undefined);
    expect(before.every((p) => p.stallAfterChunks === undefined)).toBe(true);
    expect(middle.every((p) => p.stallMs === 0 && p.midStreamStallMs === 700)).toBe(true);
    for (const p of middle) {
      expect(p.stallAfterChunks).toBeGreaterThanOrEqual(1);
      expect(p.stallAfterChunks).toBeLessThanOrEqual(4);
    }
    expect(before.length / 2000).toBeGreaterThan(0.17);
    expect(before.length / 2000).toBeLessThan(0.23);
    expect(middle.length / 2000).toBeGreaterThan(0.27);
    expect(middle.length / 2000).toBeLessThan(0.33);
    // the failures and first-token stalls of a seed are the same with or without the new kind
    const a = createRng(9);
    const b = createRng(9);
    for (let i = 0; i < 500; i++) {
      const without = drawFaults(a, { stall: 0.2, serverError: 0.1, streamCut: 0.1 });
      const withMid = drawFaults(b, {
        stall: 0.2,
        serverError: 0.1,
        streamCut: 0.1,
        stallMidStream: 0.5,
      });
      expect(withMid.failure).toEqual(without.failure);
      expect(withMid.stallMs).toBe(without.stallMs);
      expect(withMid.cutAfterChunks).toBe(without.cutAfterChunks);
    }
  });

  it('[[sim:stall=N,stallAfter=K]] stalls after K chunks instead of before the first', () => {
    expect(directiveFaults(parseDirectives('[[sim:stall=300,stallAfter=2]]'))).toMatchObject({
      stallMs: 0,
      stallAfterChunks: 2,
      midStreamStallMs: 300,
    });
  });

  it('gives a reproducible pattern over a run with the same seed, near the configured rate', () => {
    const run = (seed: number) => {
      const rng = createRng(seed);
      return Array.from(
        { length: 1000 },
        () => drawFaults(rng, { serverError: 0.1 }).failure?.kind,
      );
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
    const failures = run(11).filter(Boolean).length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('clamps probabilities outside [0, 1]', () => {
    expect(drawFaults(createRng(1), { serverError: 7 }).failure).toEqual({
      kind: 'status',
      status: 500,
    });
    expect(drawFaults(createRng(1), { serverError: -1, stall: Number.NaN })).toEqual({
      stallMs: 0,
    });
  });

  it('turns directives into a plan', () => {
    expect(directiveFaults(parseDirectives('[[sim:fail=429]]')).failure).toEqual({
      kind: 'status',
      status: 429,
      retryAfterMs: 1000,
    });
    expect(directiveFaults(parseDirectives('[[sim:fail=503,retryAfter=20]]')).failure).toEqual({
      kind: 'status',
      status: 503,
      retryAfterMs: 20,
    });
    expect(directiveFaults(parseDirectives('[[sim:fail=reset]]')).failure).toEqual({
      kind: 'reset',
    });
    expect(directiveFaults(parseDirectives('[[sim:cut=3,stall=50]]'))).toEqual({
      failure: undefined,
      stallMs: 50,
      cutAfterChunks: 3,
    });
  });
});
