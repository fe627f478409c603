import { LatencyTracker } from './latency-tracker';
import { minHeapGrowth, NO_ALLOCATION_BOUND_BYTES } from './testing/heap-growth';

/** nearest-rank percentile by sorting, the reference the tracker must agree with */
const reference = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
};

/** a deterministic PRNG (mulberry32) */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('LatencyTracker', () => {
  it('answers nothing until minSamples latencies were recorded', () => {
    const tracker = new LatencyTracker({ minSamples: 20 });
    for (let i = 1; i <= 19; i++) tracker.record(i);
    expect(tracker.percentile(50)).toBeUndefined();
    tracker.record(20);
    expect(tracker.percentile(50)).toBe(10);
    expect(tracker.size).toBe(20);
  });

  it('computes nearest-rank percentiles on known data', () => {
    const tracker = new LatencyTracker({ recomputeEvery: 1 });
    const shuffled = Array.from({ length: 100 }, (_, i) => i + 1).sort(
      (a, b) => ((a * 37) % 101) - ((b * 37) % 101),
    );
    for (const ms of shuffled) tracker.record(ms);
    expect(tracker.percentile(50)).toBe(50);
    expect(tracker.percentile(90)).toBe(90);
    expect(tracker.percentile(95)).toBe(95);
    expect(tracker.percentile(99)).toBe(99);
    expect(tracker.percentile(99.9)).toBe(100);
    expect(tracker.percentile(100)).toBe(100);
    expect(tracker.percentile(1)).toBe(1);
    expect(tracker.percentile(0)).toBe(1);
    expect(tracker.percentile(-5)).toBe(1);
    expect(tracker.percentile(250)).toBe(100);
    expect(tracker.percentile(Number.NaN)).toBeUndefined();
  });

  it('handles duplicates and a skewed tail', () => {
    const tracker = new LatencyTracker({ minSamples: 1, recomputeEvery: 1 });
    for (let i = 0; i < 90; i++) tracker.record(100);
    for (let i = 0; i < 10; i++) tracker.record(5000);
    expect(tracker.percentile(50)).toBe(100);
    expect(tracker.percentile(90)).toBe(100);
    expect(tracker.percentile(91)).toBe(5000);
  });

  it('keeps only the last `capacity` latencies', () => {
    const tracker = new LatencyTracker({ capacity: 10, minSamples: 5, recomputeEvery: 1 });
    for (let i = 0; i < 10; i++) tracker.record(1000);
    for (let i = 1; i <= 10; i++) tracker.record(i); // overwrites every 1000
    expect(tracker.size).toBe(10);
    expect(tracker.percentile(100)).toBe(10);
    expect(tracker.percentile(50)).toBe(5);
    tracker.record(500); // overwrites the 1
    expect(tracker.percentile(0)).toBe(2);
    expect(tracker.percentile(100)).toBe(500);
  });

  it('agrees with sorting on random data of every fill level', () => {
    const random = prng(42);
    for (const capacity of [1, 2, 3, 7, 64, 512]) {
      const tracker = new LatencyTracker({ capacity, minSamples: 1, recomputeEvery: 1 });
      const recorded: number[] = [];
      for (let i = 0; i < capacity * 3; i++) {
        // few distinct values half of the time, to exercise runs of equal keys
        const ms = random() < 0.5 ? Math.floor(random() * 5) : random() * 10_000;
        tracker.record(ms);
        recorded.push(ms);
        const held = recorded.slice(-capacity);
        for (const p of [1, 50, 90, 99, 100]) {
          expect([capacity, i, p, tracker.percentile(p)]).toEqual([
            capacity,
            i,
            p,
            reference(held, p),
          ]);
        }
      }
    }
  });

  it('caches the value: recomputes only every recomputeEvery records or when p changes', () => {
    const tracker = new LatencyTracker({ minSamples: 4, recomputeEvery: 3 });
    for (const ms of [10, 20, 30, 40]) tracker.record(ms);
    expect(tracker.percentile(100)).toBe(40);
    tracker.record(1000);
    tracker.record(1000);
    expect(tracker.percentile(100)).toBe(40); // stale: 2 records since the computation
    tracker.record(1000);
    expect(tracker.percentile(100)).toBe(1000); // 3 records: recomputed
    tracker.record(1);
    expect(tracker.percentile(100)).toBe(1000); // cached, the 1 is not seen yet
    expect(tracker.percentile(1)).toBe(1); // p changed: recomputed at once
  });

  it('ignores negative and non-finite latencies', () => {
    const tracker = new LatencyTracker({ minSamples: 1, recomputeEvery: 1 });
    for (const bad of [-1, Number.NaN, Infinity, -Infinity]) tracker.record(bad);
    expect(tracker.size).toBe(0);
    tracker.record(0);
    expect(tracker.percentile(50)).toBe(0);
  });

  it('defaults to 512 samples, 20 before answering', () => {
    const tracker = new LatencyTracker();
    for (let i = 0; i < 1000; i++) tracker.record(i);
    expect(tracker.size).toBe(512);
    expect(tracker.percentile(0)).toBe(1000 - 512);
  });

  it('clamps minSamples to the capacity and rejects a capacity that cannot work', () => {
    const tracker = new LatencyTracker({ capacity: 4, minSamples: 100 });
    for (let i = 0; i < 4; i++) tracker.record(i);
    expect(tracker.percentile(100)).toBe(3);
    expect(() => new LatencyTracker({ capacity: 0 })).toThrow(RangeError);
    expect(() => new LatencyTracker({ capacity: 1.5 })).toThrow(RangeError);
  });

  it('allocates nothing on record and percentile', () => {
    const tracker = new LatencyTracker();
    const growth = minHeapGrowth((n) => {
      for (let i = 0; i < n; i++) {
        tracker.record((i * 7919) % 3000);
        tracker.percentile(95);
      }
    });
    expect(growth).toBeLessThan(NO_ALLOCATION_BOUND_BYTES);
  });
});
