import { SlidingCounter } from './sliding-window';
import { FakeClock } from './testing/fake-clock';
import { minHeapGrowth, NO_ALLOCATION_BOUND_BYTES } from './testing/heap-growth';

describe('SlidingCounter', () => {
  const setup = (windowMs = 1000, buckets = 10, start = 0) => {
    const clock = new FakeClock(start);
    const counter = new SlidingCounter({ windowMs, buckets, now: clock.now });
    return { clock, counter };
  };

  it('counts two slots separately and in total', () => {
    const { counter } = setup();
    counter.add(0);
    counter.add(0, 3);
    counter.add(1, 2);
    expect(counter.count(0)).toBe(4);
    expect(counter.count(1)).toBe(2);
    expect(counter.total()).toBe(6);
    expect(counter.windowMs).toBe(1000);
  });

  it('drops a bucket exactly when the window has moved a whole window past it', () => {
    // 10 buckets of 100 ms; the window is the current bucket plus the 9 before it
    const { clock, counter } = setup(1000, 10, 0);
    counter.add(1); // bucket [0, 100)
    clock.time = 99;
    counter.add(1); // same bucket
    clock.time = 550;
    counter.add(0); // bucket [500, 600)
    clock.time = 999;
    expect(counter.total()).toBe(3);
    clock.time = 1000; // bucket [1000, 1100) replaces [0, 100)
    expect(counter.count(1)).toBe(0);
    expect(counter.count(0)).toBe(1);
    clock.time = 1499;
    expect(counter.total()).toBe(1);
    clock.time = 1500; // [500, 600) leaves
    expect(counter.total()).toBe(0);
  });

  it('expires buckets one by one as time moves in small steps', () => {
    const { clock, counter } = setup(1000, 10, 0);
    for (let i = 0; i < 10; i++) {
      clock.time = i * 100;
      counter.add(0, i + 1); // 1 + 2 + ... + 10 = 55
    }
    expect(counter.count(0)).toBe(55);
    clock.time = 1000;
    expect(counter.count(0)).toBe(54); // the 1 at t=0 left
    clock.time = 1250;
    expect(counter.count(0)).toBe(54 - 2 - 3);
  });

  it('clears everything after an idle period of a whole window or more', () => {
    const { clock, counter } = setup(1000, 10, 5_000);
    counter.add(0, 7);
    counter.add(1, 5);
    clock.advance(3_600_000);
    expect(counter.total()).toBe(0);
    counter.add(1);
    expect(counter.count(1)).toBe(1);
    expect(counter.count(0)).toBe(0);
  });

  it('keeps counting in the current bucket when the clock goes backwards', () => {
    const { clock, counter } = setup(1000, 10, 10_000);
    counter.add(0);
    clock.time = 9_000;
    counter.add(0);
    expect(counter.count(0)).toBe(2);
    clock.time = 10_999;
    expect(counter.count(0)).toBe(2);
    clock.time = 11_000;
    expect(counter.count(0)).toBe(0);
  });

  it('works with one bucket (a tumbling window)', () => {
    const { clock, counter } = setup(1000, 1, 0);
    counter.add(0);
    clock.time = 999;
    expect(counter.total()).toBe(1);
    clock.time = 1000;
    expect(counter.total()).toBe(0);
  });

  it('resets on demand', () => {
    const { counter } = setup();
    counter.add(0, 2);
    counter.add(1, 2);
    counter.reset();
    expect(counter.total()).toBe(0);
    counter.add(1);
    expect(counter.total()).toBe(1);
  });

  it('uses 10 buckets and Date.now by default', () => {
    const counter = new SlidingCounter({ windowMs: 60_000 });
    counter.add(1);
    expect(counter.count(1)).toBe(1);
  });

  it('rejects a window or bucket count that cannot work', () => {
    expect(() => new SlidingCounter({ windowMs: 0 })).toThrow(RangeError);
    expect(() => new SlidingCounter({ windowMs: Number.NaN })).toThrow(RangeError);
    expect(() => new SlidingCounter({ windowMs: 1000, buckets: 0 })).toThrow(RangeError);
    expect(() => new SlidingCounter({ windowMs: 1000, buckets: 2.5 })).toThrow(RangeError);
  });

  it('allocates nothing on add and count', () => {
    const clock = new FakeClock();
    const counter = new SlidingCounter({ windowMs: 1000, now: clock.now });
    const growth = minHeapGrowth((n) => {
      for (let i = 0; i < n; i++) {
        clock.time = (clock.time + 7) % 1_000_000;
        counter.add(i & 1 ? 1 : 0);
        counter.count(1);
      }
    });
    expect(growth).toBeLessThan(NO_ALLOCATION_BOUND_BYTES);
  });
});
