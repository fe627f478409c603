import { addUsage, costNanoUsd, formatUsd, requestBill, type Pricing } from './billing';
import type { ResponseMeta } from './context';
import { makeUsage } from './usage';

const PRICE: Pricing = {
  inputPerMTok: 3,
  cachedInputPerMTok: 0.3,
  cacheWritePerMTok: 3.75,
  outputPerMTok: 15,
};

describe('costNanoUsd', () => {
  it('prices uncached, cache-read, cache-write, output and reasoning tokens separately', () => {
    const usage = makeUsage(1000, 500, {
      cachedInputTokens: 600,
      cacheWriteTokens: 300,
      reasoningTokens: 200,
    });
    // 100*3 + 600*0.3 + 300*3.75 + 300*15 + 200*20 = 300 + 180 + 1125 + 4500 + 4000 $/M
    expect(costNanoUsd(usage, { ...PRICE, reasoningPerMTok: 20 })).toBe(10_105_000);
    // reasoning at the output price when unpriced
    expect(costNanoUsd(usage, PRICE)).toBe(9_105_000);
  });

  it('is an integer without float error and never negative on inconsistent reports', () => {
    const cheap: Pricing = { ...PRICE, inputPerMTok: 0.075, outputPerMTok: 0.3 };
    expect(costNanoUsd(makeUsage(3, 7), cheap)).toBe(3 * 75 + 7 * 300);
    expect(Number.isInteger(costNanoUsd(makeUsage(12_345, 678), cheap))).toBe(true);
    expect(costNanoUsd(makeUsage(10, 0, { cachedInputTokens: 50 }), PRICE)).toBe(50 * 300);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '0'],
    [1, '0.000000001'],
    [1234, '0.000001234'],
    [24_000, '0.000024'],
    [1_500_000_000, '1.5'],
    [12_000_000_000, '12'],
  ])('%d nano-dollars -> %s', (nanos, text) => expect(formatUsd(nanos)).toBe(text));
});

describe('requestBill', () => {
  it('adds every attempt and sub-request that consumed tokens; undefined when none did', () => {
    const meta: ResponseMeta = { attempts: 2, upstreamMs: 0 };
    expect(requestBill(meta)).toBeUndefined();
    meta.attemptLog = [
      { deployment: 'a', provider: 'p', kind: 'first', outcome: 'failed', startedAt: 0, ms: 1 },
      {
        deployment: 'b',
        provider: 'p',
        kind: 'fallback',
        outcome: 'ok',
        startedAt: 0,
        ms: 1,
        usage: makeUsage(10, 2),
        costNanoUsd: 100,
      },
    ];
    meta.subAttempts = [
      {
        deployment: 'c',
        provider: 'p',
        kind: 'first',
        outcome: 'ok',
        startedAt: 0,
        ms: 1,
        usage: makeUsage(5, 1, { estimated: true }),
      },
    ];
    expect(requestBill(meta)).toEqual({
      usage: makeUsage(15, 3, { estimated: true }),
      costNanoUsd: 100,
      priced: false,
      estimated: true,
      attempts: 2,
    });
  });

  it('adds usages field by field', () => {
    expect(
      addUsage(makeUsage(1, 2, { cachedInputTokens: 1 }), makeUsage(3, 4, { reasoningTokens: 2 })),
    ).toEqual(makeUsage(4, 6, { cachedInputTokens: 1, reasoningTokens: 2 }));
  });
});
