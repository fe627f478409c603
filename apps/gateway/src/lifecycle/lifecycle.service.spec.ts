import { LifecycleService } from './lifecycle.service';

describe('LifecycleService', () => {
  let lifecycle: LifecycleService;

  beforeEach(() => {
    jest.useFakeTimers();
    lifecycle = new LifecycleService();
  });
  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('starts not started, not draining, with nothing in flight', () => {
    expect(lifecycle.startupComplete).toBe(false);
    expect(lifecycle.draining).toBe(false);
    expect(lifecycle.inFlightCount).toBe(0);
    lifecycle.markStarted();
    expect(lifecycle.startupComplete).toBe(true);
  });

  it('counts requests in and out', () => {
    const a = new AbortController();
    const b = new AbortController();
    lifecycle.enter(a);
    lifecycle.enter(b);
    expect(lifecycle.inFlightCount).toBe(2);
    lifecycle.leave(a);
    expect(lifecycle.inFlightCount).toBe(1);
  });

  it('drain resolves true at once when idle, and marks draining', async () => {
    await expect(lifecycle.drain(1000)).resolves.toBe(true);
    expect(lifecycle.draining).toBe(true);
  });

  it('drain resolves true when the last request leaves before the deadline', async () => {
    const a = new AbortController();
    const b = new AbortController();
    lifecycle.enter(a);
    lifecycle.enter(b);
    let result: boolean | undefined;
    void lifecycle.drain(1000).then((drained) => (result = drained));
    expect(lifecycle.draining).toBe(true);

    lifecycle.leave(a);
    await jest.advanceTimersByTimeAsync(100);
    expect(result).toBeUndefined();

    lifecycle.leave(b);
    await jest.advanceTimersByTimeAsync(0);
    expect(result).toBe(true);
    expect(a.signal.aborted || b.signal.aborted).toBe(false);
  });

  it('drain resolves false at the deadline while requests are in flight', async () => {
    lifecycle.enter(new AbortController());
    let result: boolean | undefined;
    void lifecycle.drain(1000).then((drained) => (result = drained));
    await jest.advanceTimersByTimeAsync(999);
    expect(result).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(result).toBe(false);
    expect(lifecycle.inFlightCount).toBe(1);
  });

  it('abortAll aborts the controllers still in flight, not the ones that left', () => {
    const left = new AbortController();
    const stillIn = [new AbortController(), new AbortController()];
    lifecycle.enter(left);
    for (const controller of stillIn) lifecycle.enter(controller);
    lifecycle.leave(left);

    lifecycle.abortAll();
    expect(stillIn.map((c) => c.signal.aborted)).toEqual([true, true]);
    expect(left.signal.aborted).toBe(false);
  });
});
