import type { SimulatorFaults } from '../provider-config';
import type { SimDirectives } from './directives';
import type { Rng } from './prng';

/** How one request fails or is slowed down. */
export type SimFailure =
  { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'reset' };

export interface FaultPlan {
  /** fail before the first token */
  failure?: SimFailure;
  /** extra wait before the first token */
  stallMs: number;
  /** streams: error after this many chunks (never a finish chunk) */
  cutAfterChunks?: number;
}

export const NO_FAULTS: FaultPlan = Object.freeze({ stallMs: 0 });

/** uniforms consumed per request, whatever fires, so the pattern only depends on the request index */
export const DRAWS_PER_REQUEST = 8;
export const DEFAULT_STALL_MS = 5_000;
export const DIRECTIVE_RETRY_AFTER_MS = 1_000;

const STATUS_FAULTS: readonly [keyof SimulatorFaults, number][] = [
  ['rateLimit', 429],
  ['serverError', 500],
  ['unavailable', 503],
  ['overloaded', 529],
];

function probability(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? 0 : Math.min(1, Math.max(0, value));
}

/**
 * Draws this request's faults from the fault generator. Failures are checked in the order
 * rateLimit, serverError, unavailable, overloaded (first hit wins); stall and streamCut are
 * independent of them. Always consumes DRAWS_PER_REQUEST values.
 */
export function drawFaults(rng: Rng, faults: SimulatorFaults): FaultPlan {
  const u: number[] = [];
  for (let i = 0; i < DRAWS_PER_REQUEST; i++) u.push(rng.next());
  let failure: SimFailure | undefined;
  STATUS_FAULTS.forEach(([key, status], i) => {
    if (failure === undefined && u[i] < probability(faults[key])) {
      failure =
        status === 429
          ? { kind: 'status', status, retryAfterMs: 250 + Math.floor(u[6] * 1750) }
          : { kind: 'status', status };
    }
  });
  const stalled = u[4] < probability(faults.stall);
  const cut = u[5] < probability(faults.streamCut);
  return {
    failure,
    stallMs: stalled ? Math.max(0, faults.stallMs ?? DEFAULT_STALL_MS) : 0,
    cutAfterChunks: cut ? 1 + Math.floor(u[7] * 4) : undefined,
  };
}

/** The faults asked for by `[[sim:...]]` directives; they replace the drawn ones entirely. */
export function directiveFaults(directives: SimDirectives): FaultPlan {
  const { fail } = directives;
  let failure: SimFailure | undefined;
  if (fail === 'reset') failure = { kind: 'reset' };
  else if (fail !== undefined) {
    const retryAfterMs =
      directives.retryAfterMs ?? (fail === 429 ? DIRECTIVE_RETRY_AFTER_MS : undefined);
    failure = { kind: 'status', status: fail, retryAfterMs };
  }
  return { failure, stallMs: directives.stallMs ?? 0, cutAfterChunks: directives.cutAfterChunks };
}
