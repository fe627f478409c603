import type { Kysely, Migration } from 'kysely';
import { migrate } from '@app/conversations';

/**
 * The ledger's schema, in code. Append new migrations; never edit one that has shipped. Names sort
 * in execution order.
 */
export const USAGE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_usage_events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('usage_events')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('day', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text', (col) => col.notNull())
        .addColumn('tenant', 'text', (col) => col.notNull())
        .addColumn('key_id', 'text')
        .addColumn('route', 'text')
        .addColumn('deployment', 'text', (col) => col.notNull())
        .addColumn('provider', 'text', (col) => col.notNull())
        .addColumn('prompt_name', 'text')
        .addColumn('attempt_kind', 'text', (col) => col.notNull())
        .addColumn('attempt_outcome', 'text', (col) => col.notNull())
        .addColumn('sub_request', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('input_tokens', 'integer', (col) => col.notNull())
        .addColumn('output_tokens', 'integer', (col) => col.notNull())
        .addColumn('cached_input_tokens', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('cache_write_tokens', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('reasoning_tokens', 'integer', (col) => col.notNull().defaultTo(0))
        // 64-bit in both: SQLite's INTEGER affinity, PostgreSQL's int8
        .addColumn('cost_nano_usd', 'bigint')
        .addColumn('estimated', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      // a day range, for everyone (operators) or for one tenant
      await db.schema
        .createIndex('usage_events_day_tenant_idx')
        .on('usage_events')
        .columns(['day', 'tenant'])
        .execute();
      // a tenant's own totals, with or without a range
      await db.schema
        .createIndex('usage_events_tenant_day_idx')
        .on('usage_events')
        .columns(['tenant', 'day'])
        .execute();
    },
  },
};

/**
 * The ledger's migrations, with bookkeeping tables of its own (`usage_migration`,
 * `usage_migration_lock`), so it shares a database or schema with the conversation store without
 * either taking the other's migrations for unknown ones.
 */
export const USAGE_SCHEMA = {
  migrations: USAGE_MIGRATIONS,
  migrationTable: 'usage_migration',
  migrationLockTable: 'usage_migration_lock',
};

/** Brings the ledger's schema up to date. */
export function migrateUsageToLatest<DB>(db: Kysely<DB>, schema?: string): Promise<void> {
  return migrate(db, USAGE_SCHEMA, schema);
}
