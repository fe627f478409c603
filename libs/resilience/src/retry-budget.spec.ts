import { DEFAULT_RETRY_BUDGET_SETTINGS, RetryBudget } from './retry-budget';
import { FakeClock } from './testing/fake-clock';
import { minHeapGrowth, NO_ALLOCATION_BOUND_BYTES } from './testing/heap-growth';

const setup = (settings: ConstructorParameters<typeof RetryBudget>[0] = {}) => {
  const clock = new FakeClock(50_000);
  return { clock, budget: new RetryBudget(settings, { now: clock.now }) };
};

/** how many tryAcquire calls in a row succeed */
const drain = (budget: RetryBudget) => {
  let granted = 0;
  while (budget.tryAcquire()) granted++;
  return granted;
};

describe('RetryBudget', () => {
  it('defaults to 20% over 10 s with 10 retries always allowed', () => {
    expect(DEFAULT_RETRY_BUDGET_SETTINGS).toEqual({
      ratio: 0.2,
      windowMs: 10_000,
      minPerWindow: 10,
    });
    expect(new RetryBudget().settings).toEqual(DEFAULT_RETRY_BUDGET_SETTINGS);
    expect(new RetryBudget({ ratio: 0.5, minPerWindow: undefined }).settings).toEqual({
      ratio: 0.5,
      windowMs: 10_000,
      minPerWindow: 10,
    });
  });

  it('allows minPerWindow retries at low volume, even with no requests', () => {
    const { budget } = setup({ minPerWindow: 3 });
    expect(drain(budget)).toBe(3);
    for (let i = 0; i < 10; i++) budget.onRequest(); // 20% of 10 = 2 < 3
    expect(budget.tryAcquire()).toBe(false);
    expect(budget.snapshot()).toEqual({
      requestsInWindow: 10,
      retriesInWindow: 3,
      allowedInWindow: 3,
    });
  });

  it('caps retries at ratio * requests at high volume', () => {
    const { budget } = setup({ ratio: 0.2, minPerWindow: 10 });
    for (let i = 0; i < 1000; i++) budget.onRequest();
    expect(drain(budget)).toBe(200);
    expect(budget.snapshot()).toEqual({
      requestsInWindow: 1000,
      retriesInWindow: 200,
      allowedInWindow: 200,
    });
    // each new request earns another fifth of a retry
    for (let i = 0; i < 4; i++) budget.onRequest();
    expect(budget.tryAcquire()).toBe(false);
    budget.onRequest();
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
  });

  it('rounds the share down, without floating-point surprises', () => {
    const fourteen = setup({ ratio: 0.2, minPerWindow: 0 });
    for (let i = 0; i < 14; i++) fourteen.budget.onRequest();
    expect(drain(fourteen.budget)).toBe(2); // 2.8 -> 2
    const hundred = setup({ ratio: 0.29, minPerWindow: 0 });
    for (let i = 0; i < 100; i++) hundred.budget.onRequest();
    expect(drain(hundred.budget)).toBe(29); // 0.29 * 100 = 28.999999999999996
    const fifty = setup({ ratio: 0.14, minPerWindow: 0 });
    for (let i = 0; i < 50; i++) fifty.budget.onRequest();
    expect(drain(fifty.budget)).toBe(7); // 0.14 * 50 = 7.000000000000001
  });

  it('does not count refused retries', () => {
    const { budget } = setup({ minPerWindow: 1 });
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
    expect(budget.tryAcquire()).toBe(false);
    expect(budget.snapshot().retriesInWindow).toBe(1);
  });

  it('refuses every retry with ratio 0 and minPerWindow 0', () => {
    const { budget } = setup({ ratio: 0, minPerWindow: 0 });
    for (let i = 0; i < 100; i++) budget.onRequest();
    expect(budget.tryAcquire()).toBe(false);
  });

  it('frees budget as retries leave the window', () => {
    const { clock, budget } = setup({ windowMs: 10_000, minPerWindow: 2, ratio: 0 });
    expect(drain(budget)).toBe(2);
    clock.advance(9_999);
    expect(budget.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(budget.snapshot().retriesInWindow).toBe(0);
    expect(drain(budget)).toBe(2);
  });

  it('forgets old requests too: the cap follows recent volume', () => {
    const { clock, budget } = setup({ ratio: 0.5, minPerWindow: 0, windowMs: 1000 });
    for (let i = 0; i < 100; i++) budget.onRequest();
    clock.advance(1000);
    expect(budget.snapshot().allowedInWindow).toBe(0);
    expect(budget.tryAcquire()).toBe(false);
  });

  it('allocates nothing on onRequest and tryAcquire', () => {
    const clock = new FakeClock(0);
    const budget = new RetryBudget({}, { now: clock.now });
    const growth = minHeapGrowth((n) => {
      for (let i = 0; i < n; i++) {
        clock.time = (clock.time + 3) % 1_000_000;
        budget.onRequest();
        budget.tryAcquire();
      }
    });
    expect(growth).toBeLessThan(NO_ALLOCATION_BOUND_BYTES);
  });
});
