import type { ConversationStore } from './conversation-store';
import type { ConversationDatabase } from './database';
import { storeUnavailable } from './errors';
import { KyselyConversationStore } from './kysely-conversation-store';
import { CONVERSATION_SCHEMA } from './migrations';
import { openDatabase, type OpenDatabaseOptions } from './open-database';

export interface OpenConversationStoreOptions extends OpenDatabaseOptions {
  /** PostgreSQL pool size, default 10 */
  poolSize?: number;
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
  const { db, kind, scrub } = await openDatabase<ConversationDatabase>(options, {
    label: 'conversation store',
    unavailable: storeUnavailable,
    ...CONVERSATION_SCHEMA,
  });
  return new KyselyConversationStore(db, { kind, scrub, now: options.now });
}
