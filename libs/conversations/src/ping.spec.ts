import { openConversationStore } from './open-conversation-store';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from './testing/postgres-test-database';
import { TcpProxy } from './testing/tcp-proxy';

const PASSWORD = 'pw-Do-Not-Leak-42';

/** PostgreSQL behind a proxy, so the tests can take the server away from an open store. */
describe('ping and pool errors when PostgreSQL goes away', () => {
  const target = new URL(TEST_DATABASE_URL);
  const schema = uniqueSchemaName('conv_ping');
  let proxy: TcpProxy;

  beforeEach(async () => {
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  });
  afterEach(() => proxy.close());
  afterAll(() => dropSchema(schema));

  function proxiedUrl(): string {
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.password = PASSWORD;
    return url.toString();
  }

  it('reports down without throwing and without the password; pool errors are scrubbed too', async () => {
    const poolErrors: Error[] = [];
    const store = await openConversationStore({
      databaseUrl: proxiedUrl(),
      schema,
      onPoolError: (error) => poolErrors.push(error),
    });
    try {
      expect(await store.ping()).toMatchObject({ ok: true });
      await proxy.close();
      // the pool notices its dropped idle connections on the next turn of the event loop
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(poolErrors.length).toBeGreaterThan(0);
      for (const error of poolErrors) expect(error.message).not.toContain(PASSWORD);
      const result = await store.ping();
      expect(result).toEqual({ ok: false, error: expect.any(String) });
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  });

  it('survives the server going away mid-query: the query fails, the process does not', async () => {
    const store = await openConversationStore({ databaseUrl: proxiedUrl(), schema });
    try {
      const { id } = await store.create({ owner: 'o' });
      const inFlight = Promise.allSettled([
        store.get(id, 'o'),
        store.appendMessage(id, 'o', { role: 'user', content: 'x' }),
        store.ping(),
      ]);
      setImmediate(() => proxy.cut());
      const [get, append, ping] = await inFlight;
      expect(ping).toMatchObject({ status: 'fulfilled' });
      // whichever finished before the cut succeeded; the others failed with an error, no crash
      for (const outcome of [get, append]) {
        if (outcome?.status === 'rejected') {
          expect(outcome.reason).toMatchObject({ message: expect.any(String) });
        }
      }
      const later = await store.ping();
      expect(later.ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('gives up after its timeout when the server stops answering', async () => {
    const store = await openConversationStore({ databaseUrl: proxiedUrl(), schema });
    try {
      proxy.stall();
      // the pool notices its dropped idle connections on the next turn of the event loop
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      expect(await store.ping(200)).toEqual({
        ok: false,
        error: 'The database did not answer within 200 ms.',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await proxy.close();
      await store.close();
    }
  });
});
