import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '@app/conversations/testing/postgres-test-database';
import { openUsageStore } from '../open-usage-store';
import type { UsageStore } from '../usage-store';

/** One database the store specs run against. */
export interface UsageTarget {
  /** a store on the target's database (a second one on a file or schema sees the same rows) */
  open(): Promise<UsageStore>;
  dispose(): Promise<void>;
}

export interface UsageTargetFactory {
  name: string;
  create(): Promise<UsageTarget>;
}

export const sqliteMemoryTarget: UsageTargetFactory = {
  name: 'sqlite :memory:',
  async create() {
    return { open: () => openUsageStore({ sqlitePath: ':memory:' }), dispose: async () => {} };
  },
};

export const sqliteFileTarget: UsageTargetFactory = {
  name: 'sqlite file',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'usage-'));
    return {
      open: () => openUsageStore({ sqlitePath: join(dir, 'gateway.db') }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const postgresTarget: UsageTargetFactory = {
  name: 'postgres',
  async create() {
    const schema = uniqueSchemaName('usage_test');
    return {
      open: () => openUsageStore({ databaseUrl: TEST_DATABASE_URL, schema }),
      dispose: () => dropSchema(schema),
    };
  },
};

export const ALL_USAGE_TARGETS: readonly UsageTargetFactory[] = [
  sqliteMemoryTarget,
  sqliteFileTarget,
  postgresTarget,
];
