import type { Clock } from './clock';

/** Which of a {@link SlidingCounter}'s two counts an event goes to (e.g. 0 = success, 1 = failure). */
export type CounterSlot = 0 | 1;

/** How a {@link SlidingCounter} divides its window. */
export interface SlidingCounterOptions {
  /** the length of the window, ms (> 0) */
  windowMs: number;
  /** how many buckets the window is split into (>= 1); more buckets = smoother expiry. Default 10 */
  buckets?: number;
  /** the time source; default `Date.now` */
  now?: Clock;
}

const DEFAULT_BUCKETS = 10;

/**
 * Two event counts (slot 0 and slot 1) over a sliding time window, for the circuit breaker
 * (successes / failures) and the retry budget (requests / retries).
 *
 * The window is split into `buckets` buckets of `windowMs / buckets` each, kept in two ring arrays
 * allocated once; running totals make every read O(1). Time is looked at on every call: buckets
 * the clock has moved past are emptied lazily (at most `buckets` of them, so still O(1)), and after
 * an idle period of a whole window or more everything is cleared at once. The window therefore
 * covers the current bucket plus the `buckets - 1` before it: an event stops counting between
 * `windowMs - windowMs / buckets` and `windowMs` after it happened.
 *
 * No call allocates. A clock that goes backwards counts into the current bucket.
 */
export class SlidingCounter {
  private readonly bucketMs: number;
  private readonly size: number;
  private readonly now: Clock;
  private readonly slot0: Float64Array;
  private readonly slot1: Float64Array;
  private total0 = 0;
  private total1 = 0;
  /** the absolute number (time / bucketMs) of the newest bucket */
  private head: number;

  constructor(options: SlidingCounterOptions) {
    const size = options.buckets ?? DEFAULT_BUCKETS;
    if (!(options.windowMs > 0) || !Number.isFinite(options.windowMs)) {
      throw new RangeError(`windowMs must be a positive number, got ${options.windowMs}`);
    }
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`buckets must be a positive integer, got ${size}`);
    }
    this.size = size;
    this.bucketMs = options.windowMs / size;
    this.now = options.now ?? Date.now;
    this.slot0 = new Float64Array(size);
    this.slot1 = new Float64Array(size);
    this.head = Math.floor(this.now() / this.bucketMs);
  }

  /** the window length, ms */
  get windowMs(): number {
    return this.bucketMs * this.size;
  }

  /** Counts `n` events (default 1) into `slot` at the current time. */
  add(slot: CounterSlot, n = 1): void {
    const index = this.advance();
    if (slot === 0) {
      this.slot0[index] += n;
      this.total0 += n;
    } else {
      this.slot1[index] += n;
      this.total1 += n;
    }
  }

  /** the events of `slot` in the window ending now */
  count(slot: CounterSlot): number {
    this.advance();
    return slot === 0 ? this.total0 : this.total1;
  }

  /** the events of both slots in the window ending now */
  total(): number {
    this.advance();
    return this.total0 + this.total1;
  }

  /** Forgets every event. */
  reset(): void {
    this.slot0.fill(0);
    this.slot1.fill(0);
    this.total0 = 0;
    this.total1 = 0;
    this.head = Math.floor(this.now() / this.bucketMs);
  }

  /** Moves the window to now, emptying the buckets it left behind; returns the current index. */
  private advance(): number {
    const epoch = Math.floor(this.now() / this.bucketMs);
    const steps = epoch - this.head;
    if (steps > 0) {
      if (steps >= this.size) {
        this.slot0.fill(0);
        this.slot1.fill(0);
        this.total0 = 0;
        this.total1 = 0;
      } else {
        for (let e = this.head + 1; e <= epoch; e++) {
          const i = e % this.size;
          this.total0 -= this.slot0[i];
          this.total1 -= this.slot1[i];
          this.slot0[i] = 0;
          this.slot1[i] = 0;
        }
      }
      this.head = epoch;
    }
    return this.head % this.size;
  }
}
