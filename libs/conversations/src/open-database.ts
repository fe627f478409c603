import { Kysely, Migrator, type Migration } from 'kysely';
import type { GatewayError } from '@app/core';
import { checkSchemaName, isPostgresUrl, openPostgresDialect } from './dialects/postgres';
import { DEFAULT_SQLITE_PATH, openSqliteDialect } from './dialects/sqlite';
import { errorText } from './error-text';
import { describeDatabaseUrl, scrubDatabaseUrl } from './scrub';

/** Where a store lives: the gateway's `storage` settings. */
export interface OpenDatabaseOptions {
  /**
   * postgres:// or postgresql:// selects PostgreSQL; absent or empty selects SQLite. Any other
   * scheme is refused rather than silently falling back to SQLite.
   */
  databaseUrl?: string;
  /** SQLite file (its directory is created) or `:memory:`; default `./data/gateway.db` */
  sqlitePath?: string;
  /** PostgreSQL only: schema for the tables, created if missing (tests isolate themselves so) */
  schema?: string;
  /** PostgreSQL pool size */
  poolSize?: number;
  /** SQLite: how long a write waits for another process's lock, default 5000 ms */
  busyTimeoutMs?: number;
  /** PostgreSQL: an idle pooled connection failed (already scrubbed of credentials) */
  onPoolError?: (error: Error) => void;
}

/** What one store on these dialects is: its name in messages, its errors and its migrations. */
export interface DatabaseSpec {
  /** `conversation store`, `usage store`: names the store in error messages */
  label: string;
  /** the 503 a store raises when it cannot open (given a scrubbed message) */
  unavailable: (message: string) => GatewayError;
  migrations: Readonly<Record<string, Migration>>;
  /** its own migration bookkeeping tables, so stores sharing a database never see each other's */
  migrationTable: string;
  migrationLockTable: string;
}

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  kind: 'sqlite' | 'postgres';
  /** removes the database URL's credentials from a text */
  scrub: (text: string) => string;
}

/**
 * Opens a store's database (PostgreSQL for a postgres:// URL, else SQLite) and brings its schema
 * up to date. Fails with the store's 503 naming the database without its password.
 */
export async function openDatabase<DB>(
  options: OpenDatabaseOptions,
  spec: DatabaseSpec,
): Promise<OpenedDatabase<DB>> {
  const databaseUrl = options.databaseUrl?.trim();
  if (databaseUrl) return openPostgres(databaseUrl, options, spec);
  if (options.schema !== undefined) {
    throw spec.unavailable(`The 'schema' option applies to PostgreSQL only.`);
  }
  return openSqlite(options.sqlitePath ?? DEFAULT_SQLITE_PATH, options, spec);
}

async function openPostgres<DB>(
  databaseUrl: string,
  options: OpenDatabaseOptions,
  spec: DatabaseSpec,
): Promise<OpenedDatabase<DB>> {
  const scrub = (text: string) => scrubDatabaseUrl(text, databaseUrl);
  if (!isPostgresUrl(databaseUrl)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1] ?? '(none)';
    throw spec.unavailable(
      `The ${spec.label}'s database URL must start with postgres:// or postgresql:// (scheme: ${scheme}).`,
    );
  }
  let db: Kysely<DB> | undefined;
  try {
    const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
    const { dialect } = openPostgresDialect({
      databaseUrl,
      schema,
      poolSize: options.poolSize,
      onPoolError: (error) => options.onPoolError?.(new Error(scrub(errorText(error)))),
    });
    db = new Kysely<DB>({ dialect });
    await migrate(db, spec, schema);
    return { db, kind: 'postgres', scrub };
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw spec.unavailable(
      `The ${spec.label} could not open PostgreSQL at ${describeDatabaseUrl(databaseUrl)}: ${scrub(errorText(error))}`,
    );
  }
}

async function openSqlite<DB>(
  path: string,
  options: OpenDatabaseOptions,
  spec: DatabaseSpec,
): Promise<OpenedDatabase<DB>> {
  let db: Kysely<DB> | undefined;
  try {
    const dialect = openSqliteDialect({ path, busyTimeoutMs: options.busyTimeoutMs });
    db = new Kysely<DB>({ dialect });
    await migrate(db, spec);
    return { db, kind: 'sqlite', scrub: (text) => scrubDatabaseUrl(text) };
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw spec.unavailable(
      `The ${spec.label} could not open SQLite at ${path}: ${scrubDatabaseUrl(errorText(error))}`,
    );
  }
}

/**
 * Brings a store's schema up to date with its own bookkeeping tables. A failed migration is named;
 * a failure before any migration ran (connecting, the bookkeeping tables) is passed on as is.
 */
export async function migrate<DB>(
  db: Kysely<DB>,
  spec: Pick<DatabaseSpec, 'migrations' | 'migrationTable' | 'migrationLockTable'>,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => spec.migrations },
    migrationTableName: spec.migrationTable,
    migrationLockTableName: spec.migrationLockTable,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  const cause = error instanceof Error ? error : new Error(JSON.stringify(error));
  if (failed === undefined) throw cause;
  throw new Error(`migration ${failed} failed: ${cause.message}`, { cause });
}
