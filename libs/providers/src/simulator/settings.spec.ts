import { DEFAULT_SIMULATOR_SETTINGS, msPerToken, resolveSimulatorSettings } from './settings';

describe('simulator settings', () => {
  it('fills defaults', () => {
    expect(resolveSimulatorSettings()).toEqual(DEFAULT_SIMULATOR_SETTINGS);
    expect(resolveSimulatorSettings({ seed: 7 }).seed).toBe(7);
  });

  it('replaces nonsense values', () => {
    const s = resolveSimulatorSettings({
      firstTokenMs: -5,
      tokensPerSecond: Number.NaN,
      seed: Number.NaN,
      defaultMaxTokens: 12.7,
    });
    expect(s.firstTokenMs).toBe(DEFAULT_SIMULATOR_SETTINGS.firstTokenMs);
    expect(s.tokensPerSecond).toBe(DEFAULT_SIMULATOR_SETTINGS.tokensPerSecond);
    expect(s.seed).toBe(1);
    expect(s.defaultMaxTokens).toBe(12);
  });

  it('msPerToken is 0 (unpaced) for 0, negative or infinite rates', () => {
    expect(msPerToken({ tokensPerSecond: 50 })).toBe(20);
    expect(msPerToken({ tokensPerSecond: 0 })).toBe(0);
    expect(msPerToken({ tokensPerSecond: -1 })).toBe(0);
    expect(msPerToken({ tokensPerSecond: Number.POSITIVE_INFINITY })).toBe(0);
  });
});
