/** Sizes of a {@link LatencyTracker}. */
export interface LatencyTrackerOptions {
  /** how many recent latencies are kept; default 512 */
  capacity?: number;
  /** recorded latencies needed before `percentile` answers; default 20 (at most `capacity`) */
  minSamples?: number;
  /** a cached percentile is recomputed after this many new records; default 32 */
  recomputeEvery?: number;
}

const DEFAULT_CAPACITY = 512;
const DEFAULT_MIN_SAMPLES = 20;
const DEFAULT_RECOMPUTE_EVERY = 32;

/**
 * The recent latencies of one deployment, for hedging at "a percentile of recent latency": a ring
 * buffer (Float64Array, allocated once) of the last `capacity` latencies in ms.
 *
 * `percentile(p)` is asked on every hedged request, so it is cached: the value is recomputed only
 * when `p` differs from the last call's, or when `recomputeEvery` latencies were recorded since
 * the last computation. A cached answer may therefore ignore up to `recomputeEvery - 1` of the
 * newest latencies — at most 32 of 512 by default, which moves a tail percentile little, and the
 * hedge delay is a heuristic anyway. Recomputing copies the samples into a preallocated scratch
 * array and selects the rank with quickselect (O(capacity) on average, no allocation).
 * Callers alternating between two values of `p` defeat the cache; use one tracker per `p` then.
 */
export class LatencyTracker {
  private readonly samples: Float64Array;
  private readonly scratch: Float64Array;
  private readonly minSamples: number;
  private readonly recomputeEvery: number;
  private next = 0;
  private filled = 0;
  private sinceComputed = 0;
  private cachedP = NaN;
  private cachedValue = 0;

  constructor(options: LatencyTrackerOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.samples = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
    this.minSamples = Math.max(1, Math.min(capacity, options.minSamples ?? DEFAULT_MIN_SAMPLES));
    this.recomputeEvery = Math.max(1, options.recomputeEvery ?? DEFAULT_RECOMPUTE_EVERY);
  }

  /** how many latencies are held (at most `capacity`) */
  get size(): number {
    return this.filled;
  }

  /** Records one latency in ms; negative and non-finite values are ignored. */
  record(ms: number): void {
    if (!(ms >= 0) || ms === Infinity) return;
    this.samples[this.next] = ms;
    this.next = this.next + 1 === this.samples.length ? 0 : this.next + 1;
    if (this.filled < this.samples.length) this.filled++;
    this.sinceComputed++;
  }

  /**
   * The `p`-th percentile (0..100, nearest rank: the smallest held latency with at least p% of the
   * samples at or below it) of the held latencies; undefined until `minSamples` were recorded or
   * for a NaN `p`. Possibly stale, see the class comment.
   */
  percentile(p: number): number | undefined {
    if (this.filled < this.minSamples || Number.isNaN(p)) return undefined;
    if (p !== this.cachedP || this.sinceComputed >= this.recomputeEvery) {
      this.cachedValue = this.compute(p);
      this.cachedP = p;
      this.sinceComputed = 0;
    }
    return this.cachedValue;
  }

  private compute(p: number): number {
    const n = this.filled;
    const share = Math.min(100, Math.max(0, p)) / 100;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(share * n) - 1));
    if (n === this.samples.length) this.scratch.set(this.samples);
    else for (let i = 0; i < n; i++) this.scratch[i] = this.samples[i];
    return selectKth(this.scratch, n, rank);
  }
}

/**
 * The k-th smallest (0-based) of `a[0..n)`, found in place (Hoare's FIND with a median-of-three
 * pivot): O(n) on average, no allocation. Reorders `a`.
 */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function medianOfThree(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}
