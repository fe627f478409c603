import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Spec helper (not exported from the lib): measures whether a hot path allocates.
 *
 * Exposes V8's `gc` at run time (the specs run without `--expose-gc`), warms the code up so the
 * optimizing compiler has run, then, over several rounds, collects garbage and measures how much
 * the heap grows while `run(iterations)` executes. Returns the smallest growth of the rounds in
 * bytes: a path that allocates even one small object per iteration grows by at least
 * 16 * iterations in every round, while compiler activity only inflates some rounds, so the
 * minimum is a robust signal.
 *
 * Clocks in measured code should return small integers: `Date.now()` itself returns a boxed
 * 16-byte number on every call, which would hide the code's own behaviour.
 */
export function minHeapGrowth(run: (iterations: number) => void, iterations = 20_000): number {
  const gc = exposeGc();
  if (gc === undefined) throw new Error('cannot expose gc to measure heap growth in this process');
  for (let i = 0; i < 5; i++) run(100_000);
  let smallest = Infinity;
  for (let round = 0; round < 5; round++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    run(iterations);
    smallest = Math.min(smallest, process.memoryUsage().heapUsed - before);
  }
  return smallest;
}

function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** the bound the specs assert: far below the 16 bytes * iterations of one allocation per call */
export const NO_ALLOCATION_BOUND_BYTES = 16 * 1024;
