import { openConversationStore, type ConversationStore } from '@app/conversations';
import { StoreSummaryCache } from './store-summary-cache';

const HASH = (n: number) => `${String(n).padStart(4, '0')}${'a'.repeat(60)}`;

describe('StoreSummaryCache', () => {
  let store: ConversationStore;
  const errors: unknown[] = [];

  beforeEach(async () => {
    store = await openConversationStore({ sqlitePath: ':memory:' });
    errors.length = 0;
  });
  afterEach(() => store.close());

  it('writes summaries through to the store, and a new cache loads them from there', async () => {
    const first = new StoreSummaryCache(store, (e) => errors.push(e));
    first.set(HASH(1), 'the customer wants a refund');
    expect(first.get(HASH(1))).toBe('the customer wants a refund');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.getSummary(HASH(1))).toBe('the customer wants a refund');

    const restarted = new StoreSummaryCache(store, (e) => errors.push(e));
    expect(restarted.get(HASH(1))).toBeUndefined();
    await restarted.load([HASH(1), HASH(2)]);
    expect(restarted.get(HASH(1))).toBe('the customer wants a refund');
    expect(restarted.get(HASH(2))).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('reports a store failure and carries on (a later summary call, not a failed turn)', async () => {
    const cache = new StoreSummaryCache(store, (e) => errors.push(e));
    await store.close();
    cache.set(HASH(3), 'kept in memory');
    await expect(cache.load([HASH(4)])).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cache.get(HASH(3))).toBe('kept in memory');
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
