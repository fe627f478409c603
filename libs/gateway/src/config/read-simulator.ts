import type { SimulatorSettings } from '@app/providers/provider-config';
import { DEFAULT_SIMULATOR, DEFAULT_SIMULATOR_FAULTS } from './config.defaults';
import type { ObjectReader } from './reader';

const SIMULATOR_FIELDS = ['firstTokenMs', 'tokensPerSecond', 'seed', 'defaultMaxTokens', 'faults'];
const FAULT_FIELDS = Object.keys(DEFAULT_SIMULATOR_FAULTS);
const PROBABILITY = { min: 0, max: 1 };

/** `providers[i].simulator`: absent means all defaults. */
export function readSimulator(provider: ObjectReader): SimulatorSettings {
  const r = provider.object('simulator', SIMULATOR_FIELDS);
  const faults = r?.object('faults', FAULT_FIELDS);
  const stall = faults?.number('stall', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.stall;
  const stallMidStream =
    faults?.number('stallMidStream', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.stallMidStream;
  const stallMs = faults?.integer('stallMs', { min: 0 }) ?? DEFAULT_SIMULATOR_FAULTS.stallMs;
  if (faults !== undefined && (stall > 0 || stallMidStream > 0) && stallMs === 0) {
    faults.context.report(
      faults.at('stallMs'),
      'must be above 0 when faults.stall or faults.stallMidStream is above 0',
    );
  }
  return {
    firstTokenMs: r?.integer('firstTokenMs', { min: 0 }) ?? DEFAULT_SIMULATOR.firstTokenMs,
    tokensPerSecond: r?.number('tokensPerSecond', { min: 0 }) ?? DEFAULT_SIMULATOR.tokensPerSecond,
    seed: r?.integer('seed', { min: 0 }) ?? DEFAULT_SIMULATOR.seed,
    defaultMaxTokens:
      r?.integer('defaultMaxTokens', { positive: true }) ?? DEFAULT_SIMULATOR.defaultMaxTokens,
    faults: {
      rateLimit: faults?.number('rateLimit', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.rateLimit,
      serverError:
        faults?.number('serverError', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.serverError,
      unavailable:
        faults?.number('unavailable', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.unavailable,
      overloaded: faults?.number('overloaded', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.overloaded,
      streamCut: faults?.number('streamCut', PROBABILITY) ?? DEFAULT_SIMULATOR_FAULTS.streamCut,
      stall,
      stallMidStream,
      stallMs,
    },
  };
}
