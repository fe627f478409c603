import { sql, type Kysely, type Migration } from 'kysely';
import { migrate } from './open-database';

/**
 * The schema, defined in code so nothing is read from disk at runtime. Append new migrations;
 * never edit one that has shipped. Names sort in execution order.
 */
export const CONVERSATION_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_conversations': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('owner', 'text', (col) => col.notNull())
        .addColumn('model', 'text')
        .addColumn('prompt_name', 'text')
        .addColumn('prompt_version', 'text')
        .addColumn('prompt_label', 'text')
        .addColumn('system', 'text')
        .addColumn('metadata', 'text', (col) => col.notNull().defaultTo('{}'))
        .addColumn('title', 'text')
        .addColumn('last_seq', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('conversations_owner_created_idx')
        .on('conversations')
        .columns(['owner', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('conversation_id', 'text', (col) =>
          col.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('content', 'text')
        .addColumn('name', 'text')
        .addColumn('tool_calls', 'text')
        .addColumn('tool_call_id', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text')
        .addColumn('deployment', 'text')
        .addColumn('usage', 'text')
        .addColumn('finish_reason', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
        .addCheckConstraint('messages_seq_positive', sql`seq > 0`)
        .execute();

      await db.schema
        .createTable('summaries')
        .addColumn('hash', 'text', (col) => col.primaryKey())
        .addColumn('summary', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();
    },
  },
};

/** The conversation store's migrations and bookkeeping tables (`openDatabase`). */
export const CONVERSATION_SCHEMA = {
  migrations: CONVERSATION_MIGRATIONS,
  // names of their own, so the store can share a database with other Kysely users
  migrationTable: 'conversations_migration',
  migrationLockTable: 'conversations_migration_lock',
};

/** Brings the conversation store's schema up to date. */
export function migrateToLatest<DB>(db: Kysely<DB>, schema?: string): Promise<void> {
  return migrate(db, CONVERSATION_SCHEMA, schema);
}
