import { Kysely } from 'kysely';
import {
  checkSchemaName,
  DEFAULT_SQLITE_PATH,
  describeDatabaseUrl,
  errorText,
  isPostgresUrl,
  openPostgresDialect,
  openSqliteDialect,
  scrubDatabaseUrl,
} from '@app/conversations';
import type { UsageDatabase } from './database';
import { usageStoreUnavailable } from './errors';
import { KyselyUsageStore } from './kysely-usage-store';
import { migrateUsageToLatest } from './migrations';
import type { UsageStore } from './usage-store';

/** Where the ledger lives: the gateway's `storage` settings, as for the conversation store. */
export interface OpenUsageStoreOptions {
  /** postgres:// or postgresql:// selects PostgreSQL; absent or empty selects SQLite */
  databaseUrl?: string;
  /** SQLite file (its directory is created) or `:memory:`; default `./data/gateway.db` */
  sqlitePath?: string;
  /** PostgreSQL only: the schema of the table, created if missing */
  schema?: string;
  /** PostgreSQL pool size, default 4 (the ledger writes in batches, off the request path) */
  poolSize?: number;
  /** SQLite: how long a write waits for another connection's lock, default 5000 ms */
  busyTimeoutMs?: number;
  /** PostgreSQL: an idle pooled connection failed (already scrubbed of credentials) */
  onPoolError?: (error: Error) => void;
}

/**
 * Opens the usage ledger and brings its table up to date. It is a connection (pool) of its own
 * beside the conversation store's, on the same database. Fails with a GatewayError 503
 * `usage_store_unavailable` whose message names the database without its password.
 */
export async function openUsageStore(options: OpenUsageStoreOptions = {}): Promise<UsageStore> {
  const databaseUrl = options.databaseUrl?.trim();
  if (databaseUrl) return openPostgres(databaseUrl, options);
  if (options.schema !== undefined) {
    throw usageStoreUnavailable(`The 'schema' option applies to PostgreSQL only.`);
  }
  return openSqlite(options.sqlitePath ?? DEFAULT_SQLITE_PATH, options);
}

async function openPostgres(
  databaseUrl: string,
  options: OpenUsageStoreOptions,
): Promise<UsageStore> {
  const scrub = (text: string) => scrubDatabaseUrl(text, databaseUrl);
  if (!isPostgresUrl(databaseUrl)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1] ?? '(none)';
    throw usageStoreUnavailable(
      `The usage store's database URL must start with postgres:// or postgresql:// (scheme: ${scheme}).`,
    );
  }
  let db: Kysely<UsageDatabase> | undefined;
  try {
    const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
    const { dialect } = openPostgresDialect({
      databaseUrl,
      schema,
      poolSize: options.poolSize ?? 4,
      onPoolError: (error) => options.onPoolError?.(new Error(scrub(errorText(error)))),
    });
    db = new Kysely<UsageDatabase>({ dialect });
    await migrateUsageToLatest(db, schema);
    return new KyselyUsageStore(db, { kind: 'postgres', scrub });
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw usageStoreUnavailable(
      `The usage store could not open PostgreSQL at ${describeDatabaseUrl(databaseUrl)}: ${scrub(errorText(error))}`,
    );
  }
}

async function openSqlite(path: string, options: OpenUsageStoreOptions): Promise<UsageStore> {
  let db: Kysely<UsageDatabase> | undefined;
  try {
    const dialect = openSqliteDialect({ path, busyTimeoutMs: options.busyTimeoutMs });
    db = new Kysely<UsageDatabase>({ dialect });
    await migrateUsageToLatest(db);
    return new KyselyUsageStore(db, { kind: 'sqlite', scrub: (text) => scrubDatabaseUrl(text) });
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw usageStoreUnavailable(
      `The usage store could not open SQLite at ${path}: ${scrubDatabaseUrl(errorText(error))}`,
    );
  }
}
