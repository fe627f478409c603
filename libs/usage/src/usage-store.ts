import type { PingResult } from '@app/conversations';
import type { UsageEvent } from './usage-event';
import type { UsageQuery, UsageTotals } from './usage-query';

/**
 * The usage ledger: one row per attempt that consumed tokens, added up on demand. Implemented over
 * Kysely for SQLite and PostgreSQL (`openUsageStore`).
 */
export interface UsageStore {
  /** which database it is */
  readonly kind: 'sqlite' | 'postgres';

  /**
   * Writes events in one transaction (all or none). An event whose `id` is already stored is
   * skipped, so retrying a batch whose commit was not confirmed counts nothing twice.
   * @throws GatewayError 400 for an impossible event, 503 `usage_store_unavailable` (scrubbed)
   */
  append(events: readonly UsageEvent[]): Promise<void>;

  /**
   * The sums of the events the query's filters match, per group and overall.
   * @throws GatewayError 400 for a bad query, 503 `usage_store_unavailable` (scrubbed)
   */
  totals(query: UsageQuery): Promise<UsageTotals>;

  /** Readiness: a trivial query, given up after `timeoutMs` (default 2000); never throws. */
  ping(timeoutMs?: number): Promise<PingResult>;

  /** releases the database (SQLite handle or PostgreSQL pool); idempotent */
  close(): Promise<void>;
}

/** Injection token for the UsageStore. */
export const UsageStore = Symbol('UsageStore');
