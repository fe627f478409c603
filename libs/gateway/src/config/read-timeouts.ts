import type { ProviderTimeouts } from '@app/providers/provider-config';
import { DEFAULT_TIMEOUTS } from './config.defaults';
import type { ObjectReader } from './reader';

const TIMEOUT_FIELDS = Object.keys(DEFAULT_TIMEOUTS) as (keyof ProviderTimeouts)[];

/** `providers[i].timeouts`: each one defaults on its own; none may exceed `totalMs`. */
export function readTimeouts(provider: ObjectReader): ProviderTimeouts {
  const r = provider.object('timeouts', TIMEOUT_FIELDS);
  const timeouts: ProviderTimeouts = { ...DEFAULT_TIMEOUTS };
  if (r === undefined) return timeouts;
  const given = new Set<keyof ProviderTimeouts>();
  for (const field of TIMEOUT_FIELDS) {
    const value = r.integer(field, { positive: true });
    if (value !== undefined) {
      timeouts[field] = value;
      given.add(field);
    }
  }
  for (const field of given) {
    if (field !== 'totalMs' && timeouts[field] > timeouts.totalMs) {
      r.context.report(r.at(field), `must not exceed totalMs (${timeouts.totalMs})`);
    }
  }
  return timeouts;
}
