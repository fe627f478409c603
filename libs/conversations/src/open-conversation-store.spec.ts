import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '@app/core';
import { openConversationStore } from './open-conversation-store';
import { caught } from './testing/expect-error';
import {
  dropSchema,
  queryRows,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from './testing/postgres-test-database';

const PASSWORD = 'hunter2-Sup3r-secret';

function expectUnavailable(error: unknown): GatewayError {
  expect(error).toBeInstanceOf(GatewayError);
  expect(error).toMatchObject({ status: 503, code: 'conversation_store_unavailable' });
  return error as GatewayError;
}

describe('openConversationStore: SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conversations-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and opens the file in WAL mode with foreign keys', async () => {
    const path = join(dir, 'a', 'b', 'gateway.db');
    const store = await openConversationStore({ sqlitePath: path });
    expect(store.kind).toBe('sqlite');
    await store.close();
    expect(existsSync(path)).toBe(true);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw
        .prepare(`select name from sqlite_master where type = 'table' order by name`)
        .all()
        .map((row) => (row as { name: string }).name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'conversations',
          'messages',
          'summaries',
          'conversations_migration',
        ]),
      );
    } finally {
      raw.close();
    }
  });

  it('defaults to ./data/gateway.db, also when databaseUrl is empty', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const store = await openConversationStore({ databaseUrl: '  ' });
      await store.close();
      expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('opens :memory: as a private database per store', async () => {
    const a = await openConversationStore({ sqlitePath: ':memory:' });
    const b = await openConversationStore({ sqlitePath: ':memory:' });
    try {
      const { id } = await a.create({ owner: 'o' });
      expect(await a.get(id, 'o')).toBeDefined();
      expect(await b.get(id, 'o')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs the migrations once: reopening an up-to-date file changes nothing', async () => {
    const path = join(dir, 'gateway.db');
    await (await openConversationStore({ sqlitePath: path })).close();
    await (await openConversationStore({ sqlitePath: path })).close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('select name from conversations_migration').all()).toEqual([
        { name: '0001_conversations' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('fails with a 503 naming the path when the file cannot be a database', async () => {
    const path = join(dir, 'not-a-db');
    writeFileSync(path, 'this is not sqlite'.repeat(100));
    const error = expectUnavailable(await caught(openConversationStore({ sqlitePath: path })));
    expect(error.message).toContain(path);
  });

  it('refuses a PostgreSQL schema for SQLite', async () => {
    expectUnavailable(await caught(openConversationStore({ sqlitePath: ':memory:', schema: 'x' })));
  });
});

describe('openConversationStore: PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });
  const newSchema = () => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    return schema;
  };

  it('creates the schema, its tables and the migration table inside it', async () => {
    const schema = newSchema();
    const store = await openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema });
    expect(store.kind).toBe('postgres');
    await store.close();
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
    ]);
  });

  it('keeps schemas apart', async () => {
    const a = await openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema: newSchema() });
    const b = await openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema: newSchema() });
    try {
      const { id } = await a.create({ owner: 'o' });
      expect(await b.get(id, 'o')).toBeUndefined();
      expect(await a.get(id, 'o')).toBeDefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('opens two stores on a fresh schema at once (concurrent migrations)', async () => {
    const schema = newSchema();
    const stores = await Promise.all(
      [1, 2, 3].map(() => openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema })),
    );
    await Promise.all(stores.map((s) => s.close()));
  });

  it('accepts a password in the URL (trust auth ignores it)', async () => {
    const url = TEST_DATABASE_URL.replace('://postgres@', `://postgres:${PASSWORD}@`);
    const store = await openConversationStore({ databaseUrl: url, schema: newSchema() });
    expect(await store.ping()).toMatchObject({ ok: true });
    await store.close();
  });

  it('never shows the password when the server cannot be reached', async () => {
    const url = `postgres://gateway:${PASSWORD}@127.0.0.1:1/test`;
    const error = expectUnavailable(await caught(openConversationStore({ databaseUrl: url })));
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(PASSWORD);
    expect(JSON.stringify(error.toJSON())).not.toContain(PASSWORD);
    expect(error.stack ?? '').not.toContain(PASSWORD);
  });

  it('never shows the password of a malformed URL', async () => {
    const url = `postgresql://gateway:${PASSWORD}@db.example:notaport/x`;
    const error = expectUnavailable(await caught(openConversationStore({ databaseUrl: url })));
    expect(error.message).not.toContain(PASSWORD);
  });

  it('refuses a non-PostgreSQL URL without echoing it', async () => {
    const error = expectUnavailable(
      await caught(openConversationStore({ databaseUrl: `mysql://root:${PASSWORD}@db/x` })),
    );
    expect(error.message).toContain('mysql');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const error = expectUnavailable(
      await caught(
        openConversationStore({ databaseUrl: TEST_DATABASE_URL, schema: 'x"; drop table y; --' }),
      ),
    );
    expect(error.message).toContain('lowercase identifier');
  });
});
