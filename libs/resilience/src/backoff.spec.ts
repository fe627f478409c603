import { fullJitterBackoff, retryDelay } from './backoff';
import type { RetryDelayInput } from './backoff';

const fixed = (value: number) => () => value;

describe('fullJitterBackoff', () => {
  it('draws from [0, base * 2^(attempt - 1)]', () => {
    expect(fullJitterBackoff(1, 100, 10_000, fixed(0.5))).toBe(50);
    expect(fullJitterBackoff(2, 100, 10_000, fixed(0.5))).toBe(100);
    expect(fullJitterBackoff(3, 100, 10_000, fixed(0.5))).toBe(200);
    expect(fullJitterBackoff(3, 100, 10_000, fixed(0))).toBe(0);
    expect(fullJitterBackoff(3, 100, 10_000, fixed(0.999_999))).toBe(399);
  });

  it('caps the interval at maxDelayMs', () => {
    expect(fullJitterBackoff(10, 100, 1000, fixed(0.5))).toBe(500);
    expect(fullJitterBackoff(5000, 100, 1000, fixed(0.999_999))).toBe(999);
  });

  it('is uniform: every value of the interval is reachable', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++)
      seen.add(fullJitterBackoff(3, 100, 10_000, fixed((i + 0.5) / 400)));
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(399);
    expect(seen.size).toBe(400);
  });

  it('treats attempts below 1 as the first and keeps a bad random source in range', () => {
    expect(fullJitterBackoff(0, 100, 1000, fixed(0.5))).toBe(50);
    expect(fullJitterBackoff(Number.NaN, 100, 1000, fixed(0.5))).toBe(50);
    expect(fullJitterBackoff(1, 100, 1000, fixed(7))).toBe(100);
    expect(fullJitterBackoff(1, 100, 1000, fixed(-1))).toBe(0);
    expect(fullJitterBackoff(1, 0, 1000, fixed(0.5))).toBe(0);
  });
});

describe('retryDelay', () => {
  const input = (overrides: Partial<RetryDelayInput> = {}): RetryDelayInput => ({
    attempt: 1,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxHintMs: 30_000,
    honorHint: true,
    random: fixed(0.5),
    ...overrides,
  });

  it('is the jittered backoff without a hint', () => {
    expect(retryDelay(input())).toEqual({ delayMs: 50 });
    expect(retryDelay(input({ attempt: 3 }))).toEqual({ delayMs: 200 });
  });

  it('waits at least the hint when it is honoured', () => {
    expect(retryDelay(input({ hintMs: 700 }))).toEqual({ delayMs: 700 });
    expect(retryDelay(input({ hintMs: 10 }))).toEqual({ delayMs: 50 });
    // the hint wins over maxDelayMs: retrying sooner only earns another refusal
    expect(retryDelay(input({ hintMs: 5000 }))).toEqual({ delayMs: 5000 });
    expect(retryDelay(input({ hintMs: 30_000 }))).toEqual({ delayMs: 30_000 });
  });

  it('says tooLong for a hint above maxHintMs', () => {
    expect(retryDelay(input({ hintMs: 30_001 }))).toEqual({ tooLong: true, hintMs: 30_001 });
  });

  it('ignores the hint when it is not honoured, or is not a usable number', () => {
    expect(retryDelay(input({ hintMs: 60_000, honorHint: false }))).toEqual({ delayMs: 50 });
    expect(retryDelay(input({ hintMs: -5 }))).toEqual({ delayMs: 50 });
    expect(retryDelay(input({ hintMs: Number.NaN }))).toEqual({ delayMs: 50 });
    expect(retryDelay(input({ hintMs: Infinity }))).toEqual({ delayMs: 50 });
  });

  it('narrows on tooLong', () => {
    const delay = retryDelay(input({ hintMs: 99_000 }));
    expect('tooLong' in delay ? delay.hintMs : delay.delayMs).toBe(99_000);
  });
});
