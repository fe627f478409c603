import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { ConversationStore } from '../conversation-store';
import type { ConversationDatabase } from '../database';
import { openSqliteDialect } from '../dialects/sqlite';
import { KyselyConversationStore } from '../kysely-conversation-store';
import { migrateToLatest } from '../migrations';
import { openConversationStore } from '../open-conversation-store';
import {
  dropSchema,
  queryRows,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from './postgres-test-database';

export interface StoreOpenOptions {
  now?: () => Date;
}

/** One database the shared store suite runs against. */
export interface StoreTarget {
  /**
   * A new store instance on the target's database. For a file or a PostgreSQL schema this is a
   * second handle / pool on the same data (a restart, another process); for `:memory:` a fresh
   * private database.
   */
  open(options?: StoreOpenOptions): Promise<ConversationStore>;
  /** a closed and reopened store sees the same data */
  readonly durable: boolean;
  /** rows left in `messages` for a conversation, read behind the store's back */
  countMessages(store: ConversationStore, conversationId: string): Promise<number>;
  dispose(): Promise<void>;
}

export interface StoreTargetFactory {
  name: string;
  create(): Promise<StoreTarget>;
}

export const sqliteFileTarget: StoreTargetFactory = {
  name: 'sqlite file',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'conversations-'));
    const path = join(dir, 'nested', 'gateway.db');
    return {
      durable: true,
      open: (options = {}) => openConversationStore({ sqlitePath: path, ...options }),
      async countMessages(_store, conversationId) {
        const raw = new Database(path, { readonly: true });
        try {
          const row = raw
            .prepare('select count(*) as n from messages where conversation_id = ?')
            .get(conversationId) as { n: number };
          return row.n;
        } finally {
          raw.close();
        }
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * `:memory:` is private to its connection, so the raw row count needs the store's own Kysely:
 * this target builds the store from the same parts `openConversationStore` uses (the factory's
 * `:memory:` path has its own spec).
 */
export const sqliteMemoryTarget: StoreTargetFactory = {
  name: 'sqlite :memory:',
  async create() {
    const handles = new Map<ConversationStore, Kysely<ConversationDatabase>>();
    return {
      durable: false,
      async open(options = {}) {
        const db = new Kysely<ConversationDatabase>({
          dialect: openSqliteDialect({ path: ':memory:' }),
        });
        await migrateToLatest(db);
        const store = new KyselyConversationStore(db, {
          kind: 'sqlite',
          scrub: (text) => text,
          now: options.now,
        });
        handles.set(store, db);
        return store;
      },
      async countMessages(store, conversationId) {
        const db = handles.get(store);
        if (db === undefined) throw new Error('not a store of this target');
        const result = await sql<{
          n: number;
        }>`select count(*) as n from messages where conversation_id = ${conversationId}`.execute(
          db,
        );
        return Number(result.rows[0]?.n);
      },
      async dispose() {
        handles.clear();
      },
    };
  },
};

export const postgresTarget: StoreTargetFactory = {
  name: 'postgres',
  async create() {
    const schema = uniqueSchemaName();
    return {
      durable: true,
      open: (options = {}) =>
        openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 8, ...options }),
      async countMessages(_store, conversationId) {
        const rows = await queryRows<{ n: string }>(
          `select count(*) as n from "${schema}".messages where conversation_id = $1`,
          [conversationId],
        );
        return Number(rows[0]?.n);
      },
      dispose: () => dropSchema(schema),
    };
  },
};

export const ALL_TARGETS: readonly StoreTargetFactory[] = [
  sqliteFileTarget,
  sqliteMemoryTarget,
  postgresTarget,
];

/** A clock that moves one second per reading, so creation order is unambiguous. */
export function steppingClock(start = Date.parse('2025-01-01T00:00:00.000Z')): () => Date {
  let tick = 0;
  return () => new Date(start + 1000 * tick++);
}
