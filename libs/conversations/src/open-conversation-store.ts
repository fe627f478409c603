import { Kysely } from 'kysely';
import type { ConversationStore } from './conversation-store';
import type { ConversationDatabase } from './database';
import { checkSchemaName, isPostgresUrl, openPostgresDialect } from './dialects/postgres';
import { DEFAULT_SQLITE_PATH, openSqliteDialect } from './dialects/sqlite';
import { errorText } from './error-text';
import { storeUnavailable } from './errors';
import { KyselyConversationStore } from './kysely-conversation-store';
import { migrateToLatest } from './migrations';
import { describeDatabaseUrl, scrubDatabaseUrl } from './scrub';

export interface OpenConversationStoreOptions {
  /**
   * postgres:// or postgresql:// selects PostgreSQL; absent or empty selects SQLite. Any other
   * scheme is refused rather than silently falling back to SQLite.
   */
  databaseUrl?: string;
  /** SQLite file (its directory is created) or `:memory:`; default `./data/gateway.db` */
  sqlitePath?: string;
  /** PostgreSQL only: schema for the tables, created if missing (tests isolate themselves so) */
  schema?: string;
  /** PostgreSQL pool size, default 10 */
  poolSize?: number;
  /** SQLite: how long a write waits for another process's lock, default 5000 ms */
  busyTimeoutMs?: number;
  /** PostgreSQL: an idle pooled connection failed (already scrubbed of credentials) */
  onPoolError?: (error: Error) => void;
  /** clock for timestamps (tests) */
  now?: () => Date;
}

/**
 * Opens the conversation store and brings its schema up to date. Fails with a GatewayError 503
 * `conversation_store_unavailable` whose message names the database without its password.
 */
export async function openConversationStore(
  options: OpenConversationStoreOptions = {},
): Promise<ConversationStore> {
  const databaseUrl = options.databaseUrl?.trim();
  if (databaseUrl) return openPostgres(databaseUrl, options);
  if (options.schema !== undefined) {
    throw storeUnavailable(`The 'schema' option applies to PostgreSQL only.`);
  }
  return openSqlite(options.sqlitePath ?? DEFAULT_SQLITE_PATH, options);
}

async function openPostgres(
  databaseUrl: string,
  options: OpenConversationStoreOptions,
): Promise<ConversationStore> {
  const scrub = (text: string) => scrubDatabaseUrl(text, databaseUrl);
  const where = `PostgreSQL at ${describeDatabaseUrl(databaseUrl)}`;
  if (!isPostgresUrl(databaseUrl)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1] ?? '(none)';
    throw storeUnavailable(
      `The conversation store's database URL must start with postgres:// or postgresql:// (scheme: ${scheme}).`,
    );
  }
  let db: Kysely<ConversationDatabase> | undefined;
  try {
    const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
    const { dialect } = openPostgresDialect({
      databaseUrl,
      schema,
      poolSize: options.poolSize,
      onPoolError: (error) => options.onPoolError?.(new Error(scrub(errorText(error)))),
    });
    db = new Kysely<ConversationDatabase>({ dialect });
    await migrateToLatest(db, schema);
    return new KyselyConversationStore(db, { kind: 'postgres', scrub, now: options.now });
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw storeUnavailable(
      `The conversation store could not open ${where}: ${scrub(errorText(error))}`,
    );
  }
}

async function openSqlite(
  path: string,
  options: OpenConversationStoreOptions,
): Promise<ConversationStore> {
  let db: Kysely<ConversationDatabase> | undefined;
  try {
    const dialect = openSqliteDialect({ path, busyTimeoutMs: options.busyTimeoutMs });
    db = new Kysely<ConversationDatabase>({ dialect });
    await migrateToLatest(db);
    return new KyselyConversationStore(db, {
      kind: 'sqlite',
      scrub: (text) => scrubDatabaseUrl(text),
      now: options.now,
    });
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    throw storeUnavailable(
      `The conversation store could not open SQLite at ${path}: ${scrubDatabaseUrl(errorText(error))}`,
    );
  }
}
