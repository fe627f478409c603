import { BoundedLru, type BoundedLruLimits } from '../tokenizer/bounded-lru';

/**
 * Summaries keyed by the hash of the exact turns they cover. Synchronous on purpose: the fitter
 * probes every prefix of a conversation (one lookup per turn), which a remote store would turn
 * into one round trip per turn; a shared store belongs behind a local one.
 */
export interface SummaryCache {
  get(hash: string): string | undefined;
  set(hash: string, summary: string): void;
  /**
   * Brings what a shared store holds for these hashes into the local cache (optional). The fitter
   * calls it only when the local cache has no summary that makes the request fit, e.g. after a
   * restart or on another replica, so a conversation is not summarised again from its start.
   */
  load?(hashes: readonly string[]): Promise<void>;
}

/** Injection token: the in-memory cache by default; the app puts its store behind it. */
export const SummaryCache = Symbol('SummaryCache');

export const DEFAULT_SUMMARY_CACHE: BoundedLruLimits = { maxEntries: 5_000, maxChars: 20_000_000 };

/** An in-process LRU, bounded by entries and by the characters of the summaries it holds. */
export class InMemorySummaryCache implements SummaryCache {
  private readonly lru: BoundedLru<string>;

  constructor(limits: Partial<BoundedLruLimits> = {}) {
    this.lru = new BoundedLru<string>(
      { ...DEFAULT_SUMMARY_CACHE, ...limits },
      (hash, summary) => hash.length + summary.length,
    );
  }

  get size(): number {
    return this.lru.size;
  }

  get(hash: string): string | undefined {
    return this.lru.get(hash);
  }

  set(hash: string, summary: string): void {
    this.lru.set(hash, summary);
  }
}
