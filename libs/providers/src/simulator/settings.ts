import type { SimulatorFaults, SimulatorSettings } from '../provider-config';

/**
 * Used when a client is built without settings (the config reader normally fills them in; these
 * mirror its defaults in libs/gateway config.defaults.ts).
 */
export const DEFAULT_SIMULATOR_SETTINGS: Readonly<SimulatorSettings> = Object.freeze({
  firstTokenMs: 50,
  tokensPerSecond: 200,
  seed: 1,
  defaultMaxTokens: 64,
  faults: {},
});

const nonNegative = (value: number | undefined, fallback: number): number =>
  value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;

/**
 * Settings with defaults filled in and nonsense replaced: negative or non-finite delays use the
 * default; `tokensPerSecond` <= 0 or Infinity means no pacing (the whole reply at once);
 * `defaultMaxTokens` 0 means no bound.
 */
export function resolveSimulatorSettings(input?: Partial<SimulatorSettings>): SimulatorSettings {
  const d = DEFAULT_SIMULATOR_SETTINGS;
  const tps = input?.tokensPerSecond ?? d.tokensPerSecond;
  const faults: SimulatorFaults = { ...(input?.faults ?? {}) };
  return {
    firstTokenMs: nonNegative(input?.firstTokenMs, d.firstTokenMs),
    tokensPerSecond: Number.isNaN(tps) ? d.tokensPerSecond : tps,
    seed: Number.isFinite(input?.seed) ? Math.trunc(input?.seed ?? d.seed) : d.seed,
    defaultMaxTokens: Math.floor(nonNegative(input?.defaultMaxTokens, d.defaultMaxTokens)),
    faults,
  };
}

/** Milliseconds per output token; 0 when unpaced. */
export function msPerToken(settings: Pick<SimulatorSettings, 'tokensPerSecond'>): number {
  const tps = settings.tokensPerSecond;
  return tps > 0 && Number.isFinite(tps) ? 1000 / tps : 0;
}
