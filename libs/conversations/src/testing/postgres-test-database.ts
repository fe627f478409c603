import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL the specs use: TEST_DATABASE_URL, else the local server with trust auth that is
 * started before every session and in CI. Specs never skip when it is down: they fail.
 */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other spec (or parallel jest worker) uses. */
export function uniqueSchemaName(prefix = 'conv_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
}

async function withAdminClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Runs one query as the admin client, for assertions on raw rows. */
export async function queryRows<Row extends Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return withAdminClient(async (client) => (await client.query<Row>(text, values)).rows);
}
