import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';

export const DEFAULT_SQLITE_PATH = './data/gateway.db';

export interface SqliteOptions {
  /** file path, or `:memory:` for a private in-memory database */
  path: string;
  /** how long a writer waits for another process's lock, default 5000 ms */
  busyTimeoutMs?: number;
}

/**
 * Opens the SQLite file (creating its directory) with the settings the store relies on:
 * WAL (readers never block the writer; other processes may share the file), a busy timeout
 * (a writer waits for another process's transaction instead of failing), foreign keys on (for
 * the cascade delete; SQLite has them off per connection by default) and synchronous=NORMAL
 * (with WAL a crash or restart of the process loses nothing; a power cut may lose the last
 * transactions, never corrupt the file).
 */
export function openSqliteDialect(options: SqliteOptions): SqliteDialect {
  const memory = options.path === ':memory:';
  if (!memory) mkdirSync(dirname(options.path), { recursive: true });
  const database = new Database(options.path);
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('foreign_keys = ON');
    if (!memory) {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
    }
  } catch (error) {
    database.close();
    throw error;
  }
  return new SqliteDialect({ database });
}
