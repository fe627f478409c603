import { GatewayError } from '@app/core';
import { mapConcurrent } from './map-concurrent';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapConcurrent', () => {
  it('never exceeds the limit and keeps the order of the items', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 17 }, (_, i) => i);
    const results = await mapConcurrent(items, 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick(((item * 7) % 5) + 1); // finish out of order
      inFlight--;
      return item * 10;
    });
    expect(peak).toBe(3);
    expect(results).toEqual(items.map((i) => i * 10));
  });

  it('stops launching once aborted and rejects with a 499', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const run = mapConcurrent(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (item) => {
        started.push(item);
        if (item === 1) controller.abort();
        await tick(2);
        return item;
      },
      controller.signal,
    );
    await expect(run).rejects.toMatchObject({ status: 499 });
    expect(started).toEqual([0, 1]);
  });

  it('stops launching after a failure and rejects with it', async () => {
    const started: number[] = [];
    const failure = GatewayError.unavailable('busy');
    const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick(1);
      if (item === 0) throw failure;
      return item;
    });
    await expect(run).rejects.toBe(failure);
    await tick(10);
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('handles no items', async () => {
    await expect(mapConcurrent([], 4, async () => 1)).resolves.toEqual([]);
  });
});
