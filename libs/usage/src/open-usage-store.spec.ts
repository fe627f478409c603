import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '@app/core';
import { openConversationStore } from '@app/conversations';
import { caught } from '@app/conversations/testing/expect-error';
import {
  dropSchema,
  queryRows,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '@app/conversations/testing/postgres-test-database';
import { openUsageStore } from './open-usage-store';
import { usageEvent } from './testing/usage-events';

const PASSWORD = 'usage-Pa55-do-not-leak';

function expectUnavailable(error: unknown): GatewayError {
  expect(error).toBeInstanceOf(GatewayError);
  expect(error).toMatchObject({ status: 503, code: 'usage_store_unavailable' });
  return error as GatewayError;
}

describe('openUsageStore: SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'usage-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shares the file with the conversation store, each with its own migration tables', async () => {
    const path = join(dir, 'data', 'gateway.db');
    const usage = await openUsageStore({ sqlitePath: path });
    const conversations = await openConversationStore({ sqlitePath: path });
    // reopening both changes nothing
    const again = await openUsageStore({ sqlitePath: path });
    await usage.append([usageEvent({ id: 'e1' })]);
    expect((await again.totals({ groupBy: [] })).total.attempts).toBe(1);
    await Promise.all([usage.close(), again.close(), conversations.close()]);

    const raw = new Database(path, { readonly: true });
    try {
      const tables = raw
        .prepare(`select name from sqlite_master where type = 'table' order by name`)
        .all()
        .map((row) => (row as { name: string }).name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'conversations',
          'conversations_migration',
          'usage_events',
          'usage_migration',
          'usage_migration_lock',
        ]),
      );
      expect(raw.prepare('select name from usage_migration').all()).toEqual([
        { name: '0001_usage_events' },
      ]);
      expect(raw.prepare('select name from conversations_migration').all()).toEqual([
        { name: '0001_conversations' },
      ]);
      const indexes = raw
        .prepare(
          `select name from sqlite_master where type = 'index' and tbl_name = 'usage_events'`,
        )
        .all()
        .map((row) => (row as { name: string }).name);
      expect(indexes).toEqual(
        expect.arrayContaining(['usage_events_day_tenant_idx', 'usage_events_tenant_day_idx']),
      );
    } finally {
      raw.close();
    }
  });

  it('opens :memory: as a private database per store', async () => {
    const a = await openUsageStore({ sqlitePath: ':memory:' });
    const b = await openUsageStore({ sqlitePath: ':memory:' });
    try {
      await a.append([usageEvent()]);
      expect((await a.totals({ groupBy: [] })).total.attempts).toBe(1);
      expect((await b.totals({ groupBy: [] })).total.attempts).toBe(0);
      expect(a.kind).toBe('sqlite');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails with a 503 naming the path when the file cannot be a database', async () => {
    const path = join(dir, 'not-a-db');
    writeFileSync(path, 'this is not sqlite'.repeat(100));
    const error = expectUnavailable(await caught(openUsageStore({ sqlitePath: path })));
    expect(error.message).toContain(path);
  });

  it('refuses a PostgreSQL schema for SQLite', async () => {
    expectUnavailable(await caught(openUsageStore({ sqlitePath: ':memory:', schema: 'x' })));
  });
});

describe('openUsageStore: PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });
  const newSchema = () => {
    const schema = uniqueSchemaName('usage_open');
    schemas.push(schema);
    return schema;
  };

  it('shares a fresh schema with the conversation store, both opened at once', async () => {
    const schema = newSchema();
    const [usage, conversations, usage2] = await Promise.all([
      openUsageStore({ databaseUrl: TEST_DATABASE_URL, schema }),
      openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema }),
      openUsageStore({ databaseUrl: TEST_DATABASE_URL, schema }),
    ]);
    expect(usage.kind).toBe('postgres');
    await usage.append([usageEvent({ id: 'p1', costNanoUsd: 5 })]);
    expect((await usage2.totals({ groupBy: [] })).total.costNanoUsd).toBe(5n);
    await Promise.all([usage.close(), usage2.close(), conversations.close()]);

    const tables = await queryRows<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 order by 1`,
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'conversations',
      'conversations_migration',
      'conversations_migration_lock',
      'messages',
      'summaries',
      'usage_events',
      'usage_migration',
      'usage_migration_lock',
    ]);
    const columns = await queryRows<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns
        where table_schema = $1 and table_name = 'usage_events' and column_name = 'cost_nano_usd'`,
      [schema],
    );
    expect(columns).toEqual([{ column_name: 'cost_nano_usd', data_type: 'bigint' }]);
  });

  it('never shows the password when the server cannot be reached', async () => {
    const url = `postgres://gateway:${PASSWORD}@127.0.0.1:1/test`;
    const error = expectUnavailable(await caught(openUsageStore({ databaseUrl: url })));
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain(PASSWORD);
    expect(JSON.stringify(error.toJSON())).not.toContain(PASSWORD);
    expect(error.stack ?? '').not.toContain(PASSWORD);
  });

  it('refuses a non-PostgreSQL URL without echoing it, and a schema that is not an identifier', async () => {
    const error = expectUnavailable(
      await caught(openUsageStore({ databaseUrl: `mysql://root:${PASSWORD}@db/x` })),
    );
    expect(error.message).toContain('mysql');
    expect(error.message).not.toContain(PASSWORD);
    const schemaError = expectUnavailable(
      await caught(openUsageStore({ databaseUrl: TEST_DATABASE_URL, schema: 'x"; drop table y' })),
    );
    expect(schemaError.message).toContain('lowercase identifier');
  });
});
