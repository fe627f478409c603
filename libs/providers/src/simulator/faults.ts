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
  /** a pause of `midStreamStallMs` after this many chunks (complete(): the answer comes that much later) */
  stallAfterChunks?: number;
  midStreamStallMs?: number;
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
 * rateLimit, serverError, unavailable, overloaded (first hit wins); stalls and streamCut are
 * independent of them. The two stalls share one draw (a stall before the first token when it is
 * below `stall`, a mid-stream stall when it is at or above `1 - stallMidStream`; the first wins
 * where they overlap), so adding the mid-stream kind left every earlier seeded pattern as it was.
 * Always consumes DRAWS_PER_REQUEST values.
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
  const stallMs = Math.max(0, faults.stallMs ?? DEFAULT_STALL_MS);
  const stalled = u[4] < probability(faults.stall);
  const stalledMidStream = !stalled && u[4] >= 1 - probability(faults.stallMidStream);
  const cut = u[5] < probability(faults.streamCut);
  const plan: FaultPlan = {
    failure,
    stallMs: stalled ? stallMs : 0,
    cutAfterChunks: cut ? 1 + Math.floor(u[7] * 4) : undefined,
  };
  if (stalledMidStream) {
    // u[6] only shapes a 429's hint, and a failed request never streams
    plan.stallAfterChunks = 1 + Math.floor(u[6] * 4);
    plan.midStreamStallMs = stallMs;
  }
  return plan;
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
  const { stallMs, stallAfterChunks, cutAfterChunks } = directives;
  if (stallAfterChunks !== undefined && stallMs !== undefined) {
    return { failure, stallMs: 0, stallAfterChunks, midStreamStallMs: stallMs, cutAfterChunks };
  }
  return { failure, stallMs: stallMs ?? 0, cutAfterChunks };
}
