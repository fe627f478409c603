import { PostgresDialect } from 'kysely';
import { Pool, type PoolConfig } from 'pg';

export interface PostgresOptions {
  /** postgres:// or postgresql:// */
  databaseUrl: string;
  /** schema for the tables (created if missing; the connection's search_path); default public */
  schema?: string;
  /** pool size, default 10 */
  poolSize?: number;
  /** idle clients that fail (server restart, network) are dropped by the pool; told here */
  onPoolError?: (error: Error) => void;
}

/** A plain lowercase identifier: no quoting needed, nothing to inject. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `schema '${schema}' must be a lowercase identifier (a-z, 0-9, _; at most 63 characters)`,
    );
  }
  return schema;
}

/**
 * A bounded pg Pool behind a Kysely dialect. With a schema, every connection starts with
 * `search_path=<schema>` (a startup option, so no query can run before it applies), so the
 * store's unqualified table names resolve there.
 */
export function openPostgresDialect(options: PostgresOptions): {
  dialect: PostgresDialect;
  pool: Pool;
} {
  const config: PoolConfig = {
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'llm-gateway-conversations',
  };
  if (options.schema !== undefined) {
    config.options = `-c search_path=${checkSchemaName(options.schema)}`;
  }
  const pool = new Pool(config);
  // An 'error' event nobody listens to crashes the process. The pool listens on idle clients and
  // re-emits as its own 'error'; a checked-out client (a query in flight when the server goes
  // away) has no listener at all, and Kysely adds none. That query rejects with the same error,
  // so the client's own listener only has to exist.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', (error) => options.onPoolError?.(error));
  return { dialect: new PostgresDialect({ pool }), pool };
}
