import { createRng, hashString } from './prng';

describe('prng', () => {
  it('hashString is stable, seed-sensitive and order-sensitive when chained', () => {
    expect(hashString('hello')).toBe(hashString('hello'));
    expect(hashString('hello', 1)).not.toBe(hashString('hello', 2));
    expect(hashString('b', hashString('a'))).not.toBe(hashString('a', hashString('b')));
    expect(hashString('ab')).not.toBe(hashString('ba'));
    expect(Number.isInteger(hashString('x'))).toBe(true);
    expect(hashString('x')).toBeGreaterThanOrEqual(0);
    expect(hashString('x')).toBeLessThan(2 ** 32);
  });

  it('the same seed gives the same sequence', () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    expect(seqA).toEqual(seqB);
    expect(createRng(43).next()).not.toBe(seqA[0]);
  });

  it('next is in [0, 1) and roughly uniform', () => {
    const rng = createRng(7);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });

  it('int covers both bounds, pick picks members, chance honours 0 and 1', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(1, 4));
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
    expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    expect(rng.chance(0)).toBe(false);
    expect(rng.chance(1)).toBe(true);
  });

  it('hex gives the requested number of hex digits', () => {
    const rng = createRng(9);
    expect(rng.hex(24)).toMatch(/^[0-9a-f]{24}$/);
    expect(rng.hex(5)).toMatch(/^[0-9a-f]{5}$/);
  });
});
