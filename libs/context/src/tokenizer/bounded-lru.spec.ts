import { BoundedLru } from './bounded-lru';

describe('BoundedLru', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const lru = new BoundedLru<number>({ maxEntries: 2, maxChars: 1_000 });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.has('b')).toBe(false);
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('never evicts an entry used within the last maxEntries / 2 insertions', () => {
    const lru = new BoundedLru<number>({ maxEntries: 10, maxChars: 10_000 });
    lru.set('keep', 0);
    for (let i = 0; i < 100; i++) {
      lru.set(`k${i}`, i);
      if (i % 5 === 0) expect(lru.get('keep')).toBe(0);
    }
    expect(lru.size).toBe(10);
    // without use it ages out
    for (let i = 0; i < 10; i++) lru.set(`j${i}`, i);
    expect(lru.has('keep')).toBe(false);
  });

  it('bounds the characters held and skips entries heavier than a quarter of the bound', () => {
    const lru = new BoundedLru<number>({ maxEntries: 100, maxChars: 40 });
    lru.set('x'.repeat(11), 1);
    expect(lru.size).toBe(0);
    for (let i = 0; i < 10; i++) lru.set(`${i}`.repeat(10), i);
    expect(lru.weight).toBeLessThanOrEqual(40);
    expect(lru.size).toBe(4);
    expect(lru.has('9'.repeat(10))).toBe(true);
    expect(lru.has('0'.repeat(10))).toBe(false);
  });

  it('replaces an entry without double-counting its weight, and peeks without refreshing', () => {
    const lru = new BoundedLru<string>(
      { maxEntries: 2, maxChars: 1_000 },
      (k, v) => k.length + v.length,
    );
    lru.set('k', 'v1');
    lru.set('k', 'v22');
    expect(lru.weight).toBe(4);
    lru.set('j', 'x');
    expect(lru.peek('k')).toBe('v22');
    lru.set('i', 'y'); // the oldest, k, goes: peek does not refresh
    expect(lru.has('k')).toBe(false);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.weight).toBe(0);
  });
});
