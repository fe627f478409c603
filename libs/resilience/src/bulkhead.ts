import { GatewayError } from '@app/core';

/** A provider's concurrency limit and the queue in front of it. */
export interface BulkheadSettings {
  /** calls in flight at most */
  maxConcurrent: number;
  /** callers waiting for a slot at most; 0 = no queue, refuse at once when full */
  maxQueue: number;
  /** how long a caller waits in the queue at most, ms; 0 = do not wait */
  queueTimeoutMs: number;
}

/** What a bulkhead needs besides its settings. */
export interface BulkheadOptions {
  /** the `Retry-After` hint of a refusal, ms; default 1000 */
  retryAfterMs?: number;
}

/** A bulkhead as plain JSON. */
export interface BulkheadSnapshot {
  name: string;
  inFlight: number;
  queued: number;
  maxConcurrent: number;
  maxQueue: number;
  /** `release` calls that had nothing to release (a caller bug; they were ignored) */
  unmatchedReleases: number;
}

const DEFAULT_RETRY_AFTER_MS = 1000;
/** setTimeout fires at once for longer delays (they overflow a 32-bit int) */
const MAX_TIMER_MS = 2_147_483_647;
const RESOLVED: Promise<void> = Promise.resolve();

/** A caller in the queue: a node of a doubly linked list, so leaving the middle is O(1). */
class Waiter {
  prev: Waiter | undefined;
  next: Waiter | undefined;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  inQueue = true;

  constructor(
    readonly resolve: () => void,
    readonly reject: (error: GatewayError) => void,
    readonly signal: AbortSignal | undefined,
  ) {}
}

/**
 * The bulkhead of one provider: at most `maxConcurrent` calls in flight, then a FIFO queue of at
 * most `maxQueue` callers who wait at most `queueTimeoutMs` for a slot, so that one slow or
 * overloaded provider cannot take every socket and every request of the gateway with it. Beyond
 * that a caller is refused with a 503 `provider_busy` GatewayError carrying a `Retry-After` hint.
 *
 * Use: `tryAcquire()` first (synchronous, allocates nothing); only when it says no,
 * `await acquire(signal)`. After either succeeded, call `release()` exactly once when the call
 * ends, also when the signal aborts after `acquire` resolved (the slot is the caller's from then).
 * A release hands the slot straight to the longest waiter, so the queue is never overtaken by
 * `tryAcquire`. A release with nothing to release is ignored (counts stay >= 0) and counted in the
 * snapshot as `unmatchedReleases`.
 *
 * Waiting callers each hold a timer for their queue timeout (only callers that wait; the free-slot
 * path sets no timer and creates no Promise).
 */
export class Bulkhead {
  private active = 0;
  private waiting = 0;
  private unmatched = 0;
  private head: Waiter | undefined;
  private tail: Waiter | undefined;
  private readonly retryAfterMs: number;

  constructor(
    readonly name: string,
    readonly settings: Readonly<BulkheadSettings>,
    options: BulkheadOptions = {},
  ) {
    this.retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  }

  /** calls holding a slot */
  get inFlight(): number {
    return this.active;
  }

  /** callers waiting for a slot */
  get queued(): number {
    return this.waiting;
  }

  /** Takes a slot if one is free (then the caller must `release` it); never waits. */
  tryAcquire(): boolean {
    if (this.active >= this.settings.maxConcurrent) return false;
    this.active++;
    return true;
  }

  /**
   * Takes a slot, waiting in the FIFO queue when none is free. Rejects with a 503 `provider_busy`
   * GatewayError when the queue is full or the wait exceeds `queueTimeoutMs`, and with
   * `GatewayError.aborted()` when `signal` aborts first (the caller then leaves the queue).
   * Resolves with an already resolved Promise when a slot is free.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(GatewayError.aborted());
    if (this.tryAcquire()) return RESOLVED;
    const { maxQueue, queueTimeoutMs } = this.settings;
    if (this.waiting >= maxQueue || queueTimeoutMs <= 0) {
      return Promise.reject(this.busy(`${this.waiting} callers already waiting`));
    }
    return new Promise<void>((resolve, reject) =>
      this.enqueue(new Waiter(resolve, reject, signal)),
    );
  }

  /** Ends a call: its slot goes to the longest waiter, or becomes free. */
  release(): void {
    const next = this.head;
    if (next !== undefined) {
      this.remove(next);
      next.resolve();
    } else if (this.active > 0) {
      this.active--;
    } else {
      this.unmatched++;
    }
  }

  /** the bulkhead as plain JSON */
  snapshot(): BulkheadSnapshot {
    return {
      name: this.name,
      inFlight: this.active,
      queued: this.waiting,
      maxConcurrent: this.settings.maxConcurrent,
      maxQueue: this.settings.maxQueue,
      unmatchedReleases: this.unmatched,
    };
  }

  private enqueue(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.waiting++;

    const { queueTimeoutMs } = this.settings;
    waiter.timer = setTimeout(
      () => {
        this.remove(waiter);
        waiter.reject(this.busy(`no slot was freed within ${queueTimeoutMs} ms`));
      },
      Math.min(queueTimeoutMs, MAX_TIMER_MS),
    );
    waiter.timer.unref();

    if (waiter.signal !== undefined) {
      waiter.onAbort = () => {
        this.remove(waiter);
        waiter.reject(GatewayError.aborted());
      };
      waiter.signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
  }

  /** Takes a waiter out of the queue and disarms its timer and abort listener. */
  private remove(waiter: Waiter): void {
    if (!waiter.inQueue) return;
    waiter.inQueue = false;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.waiting--;
    clearTimeout(waiter.timer);
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  private busy(detail: string): GatewayError {
    const { maxConcurrent } = this.settings;
    return GatewayError.unavailable(
      `${this.name} is at its concurrency limit (${maxConcurrent} calls in flight; ${detail}). Retry later.`,
      this.retryAfterMs,
      'provider_busy',
    );
  }
}
