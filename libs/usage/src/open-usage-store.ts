import { openDatabase, type OpenDatabaseOptions } from '@app/conversations';
import type { UsageDatabase } from './database';
import { usageStoreUnavailable } from './errors';
import { KyselyUsageStore } from './kysely-usage-store';
import { USAGE_SCHEMA } from './migrations';
import type { UsageStore } from './usage-store';

/** Where the ledger lives: the gateway's `storage` settings, as for the conversation store. */
export interface OpenUsageStoreOptions extends OpenDatabaseOptions {
  /** PostgreSQL pool size, default 4 (the ledger writes in batches, off the request path) */
  poolSize?: number;
}

/**
 * Opens the usage ledger and brings its table up to date. It is a connection (pool) of its own
 * beside the conversation store's, on the same database. Fails with a GatewayError 503
 * `usage_store_unavailable` whose message names the database without its password.
 */
export async function openUsageStore(options: OpenUsageStoreOptions = {}): Promise<UsageStore> {
  const { db, kind, scrub } = await openDatabase<UsageDatabase>(
    { ...options, poolSize: options.poolSize ?? 4 },
    { label: 'usage store', unavailable: usageStoreUnavailable, ...USAGE_SCHEMA },
  );
  return new KyselyUsageStore(db, { kind, scrub });
}
