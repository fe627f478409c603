import { randomBytes } from 'node:crypto';
import { GatewayError, type RequestContext } from '@app/core';
import { errorText, scrubDatabaseUrl } from '@app/conversations';
import { usageEventProblem, usageEventsOf, type UsageEvent } from './usage-event';
import type { UsageStore } from './usage-store';

export interface UsageRecorderOptions {
  /** how often buffered events are written, default 1000 ms */
  flushIntervalMs?: number;
  /** a write starts as soon as this many events are waiting (also the most per write), default 500 */
  flushAtEvents?: number;
  /** the most events kept while the store fails; beyond it the oldest are dropped, default 100000 */
  maxBufferedEvents?: number;
  /** where warnings go (Nest's Logger fits) */
  logger?: UsageRecorderLogger;
}

export interface UsageRecorderLogger {
  warn(message: string): void;
  log(message: string): void;
}

/** What the recorder has done so far, for readiness details. */
export interface UsageRecorderStats {
  /** events waiting to be written */
  pending: number;
  /** events written since start */
  written: number;
  /** events lost: dropped from a full buffer, invalid, recorded after close, unwritten at close */
  dropped: number;
  /** the last write failed (the events are kept and retried) */
  failing: boolean;
  /** the last write's error (scrubbed by the store) while failing */
  lastError?: string;
}

export interface FlushResult {
  written: number;
  /** events still waiting (the write failed, or more arrived) */
  pending: number;
  /** the store's error when a write failed */
  error?: string;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_FLUSH_AT_EVENTS = 500;
export const DEFAULT_MAX_BUFFERED_EVENTS = 100_000;

/**
 * Writes usage events to the store off the request path: buffered, written in batches every
 * `flushIntervalMs` or as soon as `flushAtEvents` are waiting, and on `flush()` / `close()`. A write
 * that fails keeps its events and retries at the next tick; while the store stays down the buffer
 * holds at most `maxBufferedEvents`, dropping the oldest (counted, logged once per tick). Nothing
 * here throws into the caller; the timer is unref'd.
 */
export class UsageRecorder {
  private readonly flushIntervalMs: number;
  private readonly flushAtEvents: number;
  private readonly maxBuffered: number;
  private readonly logger?: UsageRecorderLogger;
  private readonly queue = new EventQueue();
  /** finished requests whose events are read on the next turn of the event loop */
  private contexts: RequestContext[] = [];
  private immediate?: NodeJS.Immediate;
  private readonly timer: NodeJS.Timeout;
  /** the flushes, one after the other */
  private chain: Promise<unknown> = Promise.resolve();
  private flushesQueued = 0;
  /** events taken for the write in progress */
  private inFlight = 0;
  private written = 0;
  private dropped = 0;
  private droppedUnlogged = 0;
  private failing = false;
  private lastError?: string;
  /** set once close() has taken the last requests: anything recorded later is lost */
  private closed = false;
  private closing?: Promise<void>;
  /**
   * Event ids: a random prefix per recorder and a counter. Unique across replicas and restarts,
   * and increasing within a run, so each insert lands at the end of the primary key's B-tree (a
   * random UUID costs twice as much per row there).
   */
  private readonly idPrefix = randomBytes(8).toString('hex');
  private nextId = 0;

  constructor(
    private readonly store: Pick<UsageStore, 'append'>,
    options: UsageRecorderOptions = {},
  ) {
    this.flushIntervalMs = positive(options.flushIntervalMs, DEFAULT_FLUSH_INTERVAL_MS);
    this.flushAtEvents = positive(options.flushAtEvents, DEFAULT_FLUSH_AT_EVENTS);
    this.maxBuffered = positive(options.maxBufferedEvents, DEFAULT_MAX_BUFFERED_EVENTS);
    this.logger = options.logger;
    this.timer = setInterval(() => this.tick(), this.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * A finished request: its events are read on the next turn of the event loop (a cancelled
   * stream's attempts are settled by listeners that run after the request's end is reported), or
   * at the next flush if that comes first. Cheap; never throws.
   */
  recordRequest(context: RequestContext): void {
    if (this.closed) return this.recordAfterClose(usageEventsOfSafe(context));
    this.contexts.push(context);
    if (this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.takeContexts();
    });
    this.immediate.unref();
  }

  /**
   * Buffers events, giving each one without an id its id (so a retried write never counts one
   * twice). An event the store could not take is dropped here (counted, logged), so it cannot
   * fail its batch. Never throws.
   */
  record(events: readonly UsageEvent[]): void {
    if (events.length === 0) return;
    if (this.closed) return this.recordAfterClose(events);
    for (const event of events) {
      const problem = usageEventProblem(event);
      if (problem !== undefined) {
        this.drop(1);
        this.logger?.warn(`usage ledger: dropped an invalid event: ${problem}`);
        continue;
      }
      event.id ??= `${this.idPrefix}${(this.nextId++).toString(36).padStart(10, '0')}`;
      this.queue.push(event);
    }
    this.enforceBound();
    if (this.queue.length >= this.flushAtEvents && this.flushesQueued === 0 && !this.failing) {
      void this.flush();
    }
  }

  /**
   * Writes the events waiting (in batches of `flushAtEvents`): after any flush in progress, all
   * that were recorded before the call at least. Resolves when done, or at the first failed batch
   * (its events stay buffered); never rejects.
   */
  flush(): Promise<FlushResult> {
    this.takeContexts();
    this.flushesQueued += 1;
    const run = this.chain.then(() => this.drain());
    this.chain = run;
    return run.finally(() => (this.flushesQueued -= 1));
  }

  /** Stops the timer and writes everything left. Events that still cannot be written are lost (logged). */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  stats(): UsageRecorderStats {
    const stats: UsageRecorderStats = {
      pending: this.queue.length + this.inFlight + this.contexts.length,
      written: this.written,
      dropped: this.dropped,
      failing: this.failing,
    };
    if (this.failing && this.lastError !== undefined) stats.lastError = this.lastError;
    return stats;
  }

  private async closeOnce(): Promise<void> {
    clearInterval(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.takeContexts();
    this.closed = true;
    const result = await this.flush();
    this.logDrops();
    if (result.pending > 0) {
      this.drop(this.queue.length);
      this.droppedUnlogged = 0;
      this.queue.clear();
      this.logger?.warn(
        `usage ledger: closed with ${result.pending} events unwritten (lost): ${result.error ?? 'unknown error'}`,
      );
    }
  }

  private tick(): void {
    this.takeContexts();
    this.logDrops();
    if (this.queue.length > 0 && this.flushesQueued === 0) void this.flush();
  }

  /** Writes what is waiting now, batch by batch; stops at the first failure. Never rejects. */
  private async drain(): Promise<FlushResult> {
    let budget = this.queue.length;
    let written = 0;
    while (budget > 0 && this.queue.length > 0) {
      const batch = this.queue.take(Math.min(this.flushAtEvents, budget));
      budget -= batch.length;
      this.inFlight = batch.length;
      try {
        await this.store.append(batch);
      } catch (error) {
        this.inFlight = 0;
        if (error instanceof GatewayError && error.status === 400) {
          // refused for what it holds, not for the database: retrying would fail forever
          this.drop(batch.length);
          this.logger?.warn(
            `usage ledger: the store refused ${batch.length} events: ${error.message}`,
          );
          continue;
        }
        this.queue.putBack(batch);
        this.enforceBound();
        // the store's errors are scrubbed already; this also covers anything else
        const message = scrubDatabaseUrl(errorText(error));
        if (!this.failing) {
          this.logger?.warn(
            `usage ledger: could not write ${batch.length} events; keeping ${this.queue.length} ` +
              `to retry every ${this.flushIntervalMs} ms: ${message}`,
          );
        }
        this.failing = true;
        this.lastError = message;
        return { written, pending: this.queue.length, error: message };
      }
      this.inFlight = 0;
      written += batch.length;
      this.written += batch.length;
      if (this.failing) {
        this.failing = false;
        this.lastError = undefined;
        this.logger?.log(`usage ledger: writing again (${this.queue.length} events waiting)`);
      }
    }
    return { written, pending: this.queue.length };
  }

  private takeContexts(): void {
    if (this.contexts.length === 0) return;
    const contexts = this.contexts;
    this.contexts = [];
    const events: UsageEvent[] = [];
    for (const context of contexts) {
      for (const event of usageEventsOfSafe(context)) events.push(event);
    }
    this.record(events);
  }

  /** Drops the oldest events beyond the bound. */
  private enforceBound(): void {
    const excess = this.queue.length - this.maxBuffered;
    if (excess <= 0) return;
    this.queue.dropOldest(excess);
    this.drop(excess);
  }

  private drop(count: number): void {
    this.dropped += count;
    this.droppedUnlogged += count;
  }

  private logDrops(): void {
    if (this.droppedUnlogged === 0) return;
    this.logger?.warn(
      `usage ledger: dropped ${this.droppedUnlogged} events (buffer limit ${this.maxBuffered}; ` +
        `${this.dropped} dropped since start)`,
    );
    this.droppedUnlogged = 0;
  }

  private recordAfterClose(events: readonly UsageEvent[]): void {
    if (events.length === 0) return;
    this.dropped += events.length;
    this.logger?.warn(`usage ledger: ${events.length} events arrived after close (lost)`);
  }
}

/** The events of a request; a malformed meta record costs its usage, never the request. */
function usageEventsOfSafe(context: RequestContext): UsageEvent[] {
  try {
    return usageEventsOf(context);
  } catch {
    return [];
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** A FIFO with cheap removal at the front (an index, compacted now and then). */
class EventQueue {
  private items: UsageEvent[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(event: UsageEvent): void {
    this.items.push(event);
  }

  /** removes and returns up to `count` events from the front */
  take(count: number): UsageEvent[] {
    const taken = this.items.slice(this.head, this.head + count);
    this.head += taken.length;
    this.compact();
    return taken;
  }

  /** puts events taken earlier back at the front, before anything that arrived since */
  putBack(events: readonly UsageEvent[]): void {
    this.items = [...events, ...this.items.slice(this.head)];
    this.head = 0;
  }

  dropOldest(count: number): void {
    this.head += Math.min(count, this.length);
    this.compact();
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
