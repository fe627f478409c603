export interface BoundedLruLimits {
  /** most entries held */
  maxEntries: number;
  /** most characters held, keys and values together (each entry's weight, see `weigh`) */
  maxChars: number;
}

interface Entry<V> {
  value: V;
  weight: number;
  /** insertion sequence number when last (re)inserted */
  seq: number;
}

/**
 * A least-recently-used map with string keys, bounded by entry count and by total weight (the
 * characters an entry keeps alive). An entry heavier than a quarter of `maxChars` is not kept.
 *
 * A hit moves an entry to the young end only once it has aged past half the capacity: a hit on
 * a recent entry is then a single lookup (keys are long texts, and every extra map operation
 * compares the whole text again), and an entry used within the last `maxEntries / 2` insertions
 * is still never the one evicted.
 */
export class BoundedLru<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private totalWeight = 0;
  private seq = 0;
  private readonly refreshAge: number;

  constructor(
    private readonly limits: BoundedLruLimits,
    private readonly weigh: (key: string, value: V) => number = (key) => key.length,
  ) {
    this.refreshAge = Math.floor(limits.maxEntries / 2);
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.seq - entry.seq >= this.refreshAge) {
      this.entries.delete(key);
      entry.seq = ++this.seq;
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  /** Reads without refreshing the entry's recency. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V): void {
    const weight = this.weigh(key, value);
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.totalWeight -= previous.weight;
    }
    if (weight * 4 > this.limits.maxChars) return;
    this.entries.set(key, { value, weight, seq: ++this.seq });
    this.totalWeight += weight;
    this.evict();
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  private evict(): void {
    while (this.entries.size > this.limits.maxEntries || this.totalWeight > this.limits.maxChars) {
      const oldest = this.entries.entries().next();
      if (oldest.done) return;
      this.entries.delete(oldest.value[0]);
      this.totalWeight -= oldest.value[1].weight;
    }
  }
}
