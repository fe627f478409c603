import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import { GatewayError } from '@app/core';
import { errorText, pingDatabase, type PingResult } from '@app/conversations';
import type { UsageDatabase, UsageEventsTable } from './database';
import { invalidUsageEvent, usageStoreUnavailable } from './errors';
import { usageEventProblem, type UsageEvent } from './usage-event';
import {
  checkUsageQuery,
  compareRows,
  emptyCounters,
  type UsageCounters,
  type UsageGroupKey,
  type UsageQuery,
  type UsageRow,
  type UsageTotals,
} from './usage-query';
import type { UsageStore } from './usage-store';

export interface KyselyUsageStoreOptions {
  kind: UsageStore['kind'];
  /** turns a driver error into text safe to show (no credentials) */
  scrub: (text: string) => string;
}

/** rows per INSERT: 500 x 21 parameters, well under SQLite's (32766) and PostgreSQL's (65535) limits */
const INSERT_BATCH = 500;

/** The column of each group key (fixed names: nothing from the caller reaches the SQL text). */
const GROUP_COLUMN = {
  tenant: 'tenant',
  key: 'key_id',
  route: 'route',
  deployment: 'deployment',
  day: 'day',
} as const satisfies Record<UsageGroupKey, keyof UsageEventsTable>;

/**
 * The sums, the same SQL in both dialects. PostgreSQL returns count and sum of integers as bigint
 * / numeric, which pg hands over as strings, and SQLite's 64-bit integers would lose digits past
 * 2^53 as JS numbers: so the cost is cast to text and read as a BigInt, and the counts are checked
 * to be exact integers.
 */
const COUNTERS = [
  sql<unknown>`count(distinct request_id)`.as('requests'),
  sql<unknown>`count(*)`.as('attempts'),
  sql<unknown>`coalesce(sum(input_tokens), 0)`.as('input_tokens'),
  sql<unknown>`coalesce(sum(output_tokens), 0)`.as('output_tokens'),
  sql<unknown>`coalesce(sum(cached_input_tokens), 0)`.as('cached_input_tokens'),
  sql<unknown>`coalesce(sum(cache_write_tokens), 0)`.as('cache_write_tokens'),
  sql<unknown>`coalesce(sum(reasoning_tokens), 0)`.as('reasoning_tokens'),
  sql<unknown>`cast(coalesce(sum(cost_nano_usd), 0) as text)`.as('cost_nano_usd'),
  sql<unknown>`coalesce(sum(estimated), 0)`.as('estimated_attempts'),
  sql<unknown>`coalesce(sum(case when cost_nano_usd is null then 1 else 0 end), 0)`.as(
    'unpriced_attempts',
  ),
];

type CounterRow = Record<string, unknown>;

/** The UsageStore over Kysely: SQLite or PostgreSQL, depending on how the Kysely was opened. */
export class KyselyUsageStore implements UsageStore {
  readonly kind: UsageStore['kind'];
  private closed?: Promise<void>;

  constructor(
    private readonly db: Kysely<UsageDatabase>,
    private readonly options: KyselyUsageStoreOptions,
  ) {
    this.kind = options.kind;
  }

  async append(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toRow);
    await this.guard(() =>
      this.db.transaction().execute(async (trx) => {
        for (let start = 0; start < rows.length; start += INSERT_BATCH) {
          await trx
            .insertInto('usage_events')
            .values(rows.slice(start, start + INSERT_BATCH))
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
        }
      }),
    );
  }

  async totals(query: UsageQuery): Promise<UsageTotals> {
    const valid = checkUsageQuery(query);
    const columns = valid.groupBy.map((key) => GROUP_COLUMN[key]);
    // one snapshot for the total and the groups (PostgreSQL: repeatable read; SQLite: a read
    // transaction), so they agree while appends go on
    return this.guard(() =>
      this.db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (trx) => {
          const totalRow = await filtered(trx, valid).select(COUNTERS).executeTakeFirst();
          const total = totalRow === undefined ? emptyCounters() : toCounters(totalRow);
          if (total.attempts === 0) return { rows: [], total };
          if (columns.length === 0) return { rows: [{ ...total }], total };
          const grouped = await filtered(trx, valid)
            .select(columns)
            .select(COUNTERS)
            .groupBy(columns)
            .execute();
          const rows = grouped.map((row): UsageRow => {
            const record = row as CounterRow;
            const keys: Partial<Record<UsageGroupKey, string | null>> = {};
            for (const key of valid.groupBy) keys[key] = asText(record[GROUP_COLUMN[key]]);
            return { ...keys, ...toCounters(record) };
          });
          rows.sort(compareRows(valid.groupBy));
          return { rows, total };
        }),
    );
  }

  async ping(timeoutMs = 2000): Promise<PingResult> {
    if (this.closed !== undefined) return { ok: false, error: 'The usage store is closed.' };
    return pingDatabase(this.db, this.options.scrub, timeoutMs);
  }

  close(): Promise<void> {
    this.closed ??= this.db.destroy();
    return this.closed;
  }

  /** Runs a query; a driver failure becomes a 503 whose text has no credentials. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed !== undefined) throw usageStoreUnavailable('The usage store is closed.');
    try {
      return await run();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw usageStoreUnavailable(
        `The usage store failed: ${this.options.scrub(errorText(error))}`,
      );
    }
  }
}

/** The events a query's filters match. */
function filtered(db: Kysely<UsageDatabase>, query: UsageQuery) {
  let builder = db.selectFrom('usage_events');
  if (query.from !== undefined) builder = builder.where('day', '>=', query.from);
  if (query.to !== undefined) builder = builder.where('day', '<=', query.to);
  if (query.tenant !== undefined) builder = builder.where('tenant', '=', query.tenant);
  if (query.key !== undefined) builder = builder.where('key_id', '=', query.key);
  if (query.route !== undefined) builder = builder.where('route', '=', query.route);
  if (query.deployment !== undefined) builder = builder.where('deployment', '=', query.deployment);
  return builder;
}

function toRow(event: UsageEvent): Insertable<UsageEventsTable> {
  const problem = usageEventProblem(event);
  if (problem !== undefined) throw invalidUsageEvent(problem);
  return {
    id: event.id ?? randomUUID(),
    at: event.at,
    day: event.day,
    request_id: event.requestId,
    tenant: event.tenant,
    key_id: event.keyId,
    route: event.route,
    deployment: event.deployment,
    provider: event.provider,
    prompt_name: event.promptName ?? null,
    attempt_kind: event.attemptKind,
    attempt_outcome: event.attemptOutcome,
    sub_request: event.subRequest ? 1 : 0,
    input_tokens: event.inputTokens,
    output_tokens: event.outputTokens,
    cached_input_tokens: event.cachedInputTokens,
    cache_write_tokens: event.cacheWriteTokens,
    reasoning_tokens: event.reasoningTokens,
    cost_nano_usd: event.costNanoUsd,
    estimated: event.estimated ? 1 : 0,
  };
}

function toCounters(row: CounterRow): UsageCounters {
  return {
    requests: exactCount(row.requests, 'requests'),
    attempts: exactCount(row.attempts, 'attempts'),
    inputTokens: exactCount(row.input_tokens, 'input_tokens'),
    outputTokens: exactCount(row.output_tokens, 'output_tokens'),
    cachedInputTokens: exactCount(row.cached_input_tokens, 'cached_input_tokens'),
    cacheWriteTokens: exactCount(row.cache_write_tokens, 'cache_write_tokens'),
    reasoningTokens: exactCount(row.reasoning_tokens, 'reasoning_tokens'),
    costNanoUsd: exactBigInt(row.cost_nano_usd, 'cost_nano_usd'),
    estimatedAttempts: exactCount(row.estimated_attempts, 'estimated_attempts'),
    unpricedAttempts: exactCount(row.unpriced_attempts, 'unpriced_attempts'),
  };
}

/** A count or token sum as a number, refusing anything that would not be exact. */
function exactCount(value: unknown, what: string): number {
  const count = typeof value === 'string' ? exactBigInt(value, what) : value;
  const number = typeof count === 'bigint' ? Number(count) : count;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new Error(`${what} is not an exact integer: ${String(value)}`);
  }
  return number;
}

/** An integer from the driver (text, number or bigint) as a BigInt, without rounding. */
function exactBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new Error(`${what} is not an integer: ${String(value)}`);
}

/** A group key's value: the columns are text, so anything else is null. */
function asText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
