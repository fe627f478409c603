import type { ColumnType } from 'kysely';

/**
 * `usage_events` as Kysely sees it: the same column types in both dialects (text; integers, the
 * cost a 64-bit integer; booleans as 0/1), so one set of queries serves both.
 */
export interface UsageEventsTable {
  /** unique per event (the recorder's UUID) */
  id: string;
  /** ISO 8601 UTC, fixed width */
  at: string;
  /** YYYY-MM-DD UTC */
  day: string;
  request_id: string;
  tenant: string;
  key_id: string | null;
  route: string | null;
  deployment: string;
  provider: string;
  prompt_name: string | null;
  attempt_kind: string;
  attempt_outcome: string;
  /** 0 or 1 */
  sub_request: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** billionths of a US dollar, 64-bit (pg reads it back as a string); null when unpriced */
  cost_nano_usd: ColumnType<string | number | null, number | null, number | null>;
  /** 0 or 1 */
  estimated: number;
}

export interface UsageDatabase {
  usage_events: UsageEventsTable;
}
