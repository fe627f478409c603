import { InMemorySummaryCache } from './summary-cache';

describe('InMemorySummaryCache', () => {
  it('stores and returns summaries by hash', () => {
    const cache = new InMemorySummaryCache();
    cache.set('h1', 'summary one');
    expect(cache.get('h1')).toBe('summary one');
    expect(cache.get('h2')).toBeUndefined();
  });

  it('is bounded by entries and by the characters it holds', () => {
    const byEntries = new InMemorySummaryCache({ maxEntries: 2 });
    byEntries.set('a', 'x');
    byEntries.set('b', 'y');
    byEntries.get('a');
    byEntries.set('c', 'z');
    expect(byEntries.get('b')).toBeUndefined();
    expect(byEntries.get('a')).toBe('x');
    expect(byEntries.size).toBe(2);

    const byChars = new InMemorySummaryCache({ maxChars: 100 });
    for (let i = 0; i < 10; i++) byChars.set(`h${i}`, 's'.repeat(20));
    expect(byChars.size).toBe(4);
    expect(byChars.get('h9')).toBeDefined();
  });
});
