import type { ErrorBehaviour, FakeBehaviour } from './fake-upstream';

/**
 * Fault injection for the fake upstreams: retry-hint helpers for 429s, and a seeded fault mix the
 * common frame draws from when a fake's queue is empty (`FakeUpstream.setFaults`). Nothing here
 * imports from libs/: the fakes must not share code with what they test.
 */

// ---- retry hints --------------------------------------------------------------------------------

/** One kind of retry hint, as real providers send them. */
export type RetryHint =
  /** `retry-after: <seconds>` (OpenAI, Azure, Anthropic) */
  | { kind: 'retry-after-seconds'; seconds: number }
  /** `retry-after: <HTTP-date>` */
  | { kind: 'retry-after-date'; at: Date }
  /** `retry-after-ms: <ms>` (OpenAI, Azure) */
  | { kind: 'retry-after-ms'; ms: number }
  /** `x-ms-retry-after-ms: <ms>` (Azure) */
  | { kind: 'x-ms-retry-after-ms'; ms: number }
  /** Gemini: `error.details[]` RetryInfo `retryDelay: "27s"` in the body (other fakes: no hint) */
  | { kind: 'gemini-retry-delay'; seconds: number };

/** A protobuf Duration in JSON form: `27` -> `"27s"`, `0.03` -> `"0.03s"` (millisecond precision). */
export function protobufDuration(seconds: number): string {
  return `${Number(Math.max(0, seconds).toFixed(3))}s`;
}

/** The FakeBehaviour fields that carry `hint` (headers, or Gemini's RetryInfo `retryDelay`). */
export function retryHintFields(hint: RetryHint): Pick<ErrorBehaviour, 'headers' | 'retryDelay'> {
  switch (hint.kind) {
    case 'retry-after-seconds':
      return { headers: { 'retry-after': String(hint.seconds) } };
    case 'retry-after-date':
      return { headers: { 'retry-after': hint.at.toUTCString() } };
    case 'retry-after-ms':
      return { headers: { 'retry-after-ms': String(hint.ms) } };
    case 'x-ms-retry-after-ms':
      return { headers: { 'x-ms-retry-after-ms': String(hint.ms) } };
    case 'gemini-retry-delay':
      return { retryDelay: protobufDuration(hint.seconds) };
  }
}

/**
 * A 429 in the provider's own body carrying exactly `hint` (or no hint at all). The fakes' default
 * 429 messages name no wait, so the hint is the only one. How each fake renders the hint: headers
 * as given, except that the Gemini fake moves a numeric `retry-after` into a RetryInfo detail
 * (where Gemini puts it), and only the Gemini fake renders `gemini-retry-delay` (the others answer
 * a 429 without any hint).
 */
export function rateLimited(hint?: RetryHint, message?: string): ErrorBehaviour {
  return {
    type: 'error',
    status: 429,
    ...(message !== undefined && { message }),
    ...(hint && retryHintFields(hint)),
  };
}

// ---- seeded fault mix ---------------------------------------------------------------------------

export type FaultKind =
  | 'rate_limited'
  | 'server_error'
  | 'unavailable'
  | 'overloaded'
  | 'reset'
  | 'cut'
  | 'stall_first_byte'
  | 'stall_mid'
  | 'truncated';

/** in the order the weighted draw walks them */
export const FAULT_KINDS: readonly FaultKind[] = [
  'rate_limited',
  'server_error',
  'unavailable',
  'overloaded',
  'reset',
  'cut',
  'stall_first_byte',
  'stall_mid',
  'truncated',
];

export interface FaultMix {
  seed: number;
  /** probability (0..1) that a request gets a fault instead of the normal answer */
  rate: number;
  /** relative weights of the fault kinds drawn when a fault happens (missing: 0) */
  weights: Partial<Record<FaultKind, number>>;
  /** optional slow tail: with this probability (independent of `rate`) the answer is delayed by `ms` */
  tail?: { probability: number; ms: number };
  /** how long `stall_first_byte` and `stall_mid` stay silent (default DEFAULT_FAULT_STALL_MS) */
  stallMs?: number;
  /** range of the wait a `rate_limited` fault hints, in ms (default 20..50) */
  retryAfterMs?: { min: number; max: number };
}

export const DEFAULT_FAULT_STALL_MS = 2_000;
export const DEFAULT_RETRY_AFTER_MS = { min: 20, max: 50 } as const;

/** What a provider's fake answers for the faults whose wire form depends on the provider. */
export interface FaultProfile {
  /** `overloaded`: Anthropic 529 overloaded_error; others 503 with their overload message */
  overloaded: ErrorBehaviour;
  /** the hint a drawn `rate_limited` fault carries, for a wait of `ms` (default retry-after-ms) */
  rateLimitHint: (ms: number) => RetryHint;
}

export const DEFAULT_FAULT_PROFILE: FaultProfile = {
  overloaded: { type: 'error', status: 503 },
  rateLimitHint: (ms) => ({ kind: 'retry-after-ms', ms }),
};

export function faultProfile(overrides: Partial<FaultProfile> = {}): FaultProfile {
  return { ...DEFAULT_FAULT_PROFILE, ...overrides };
}

/** A zero count for every fault kind. */
export function emptyFaultCounts(): Record<FaultKind, number> {
  const counts = {} as Record<FaultKind, number>;
  for (const kind of FAULT_KINDS) counts[kind] = 0;
  return counts;
}

/** mulberry32: a small, fast, deterministic PRNG; uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Throws a RangeError for a mix that cannot be drawn from. */
export function validateFaultMix(mix: FaultMix): void {
  const probability = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;
  const nonNegative = (value: number) => Number.isFinite(value) && value >= 0;
  if (!Number.isFinite(mix.seed)) throw new RangeError('fault mix: seed must be a finite number');
  if (!probability(mix.rate)) throw new RangeError('fault mix: rate must be within 0..1');
  let total = 0;
  for (const [kind, weight] of Object.entries(mix.weights)) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(`fault mix: unknown fault kind ${kind}`);
    }
    if (weight === undefined || !nonNegative(weight)) {
      throw new RangeError(`fault mix: weight of ${kind} must be a finite number >= 0`);
    }
    total += weight;
  }
  if (mix.rate > 0 && total <= 0) {
    throw new RangeError('fault mix: a rate above 0 needs a positive weight');
  }
  if (mix.tail && (!probability(mix.tail.probability) || !nonNegative(mix.tail.ms))) {
    throw new RangeError('fault mix: tail needs a probability within 0..1 and ms >= 0');
  }
  if (mix.stallMs !== undefined && !nonNegative(mix.stallMs)) {
    throw new RangeError('fault mix: stallMs must be >= 0');
  }
  const range = mix.retryAfterMs;
  if (range && !(nonNegative(range.min) && nonNegative(range.max) && range.min <= range.max)) {
    throw new RangeError('fault mix: retryAfterMs needs 0 <= min <= max');
  }
}

/** One request's draw. */
export interface FaultDraw {
  /** the fault, or undefined for the normal answer */
  fault?: FaultKind;
  /** the slow-tail delay (0: none) */
  tailMs: number;
  /** what the fake does; undefined means its normal answer (DEFAULT_BEHAVIOUR) */
  behaviour?: FakeBehaviour;
}

/** uniforms consumed per draw, whatever is drawn, so a request's draw depends only on its index */
export const DRAWS_PER_REQUEST = 4;

/**
 * Draws one request's fault from `random` (4 uniforms: fault or not, which kind, its parameter,
 * slow tail or not). Pure apart from advancing `random`.
 */
export function drawFault(
  random: () => number,
  mix: FaultMix,
  profile: FaultProfile = DEFAULT_FAULT_PROFILE,
): FaultDraw {
  const [uFault, uKind, uParameter, uTail] = Array.from({ length: DRAWS_PER_REQUEST }, random);
  const fault = uFault < mix.rate ? pickWeighted(uKind, mix.weights) : undefined;
  const faulty = fault && faultBehaviour(fault, uParameter, mix, profile);
  const tailMs = mix.tail && uTail < mix.tail.probability ? mix.tail.ms : 0;
  const behaviour: FakeBehaviour | undefined =
    tailMs > 0 ? { type: 'stall', ms: tailMs, ...(faulty && { then: faulty }) } : faulty;
  return { ...(fault && { fault }), tailMs, ...(behaviour && { behaviour }) };
}

/** A stateful source of draws for `mix`, starting at its seed. */
export function createFaultSource(
  mix: FaultMix,
  profile: FaultProfile = DEFAULT_FAULT_PROFILE,
): () => FaultDraw {
  const snapshot: FaultMix = {
    ...mix,
    weights: { ...mix.weights },
    ...(mix.tail && { tail: { ...mix.tail } }),
  };
  const random = mulberry32(snapshot.seed);
  return () => drawFault(random, snapshot, profile);
}

function pickWeighted(u: number, weights: FaultMix['weights']): FaultKind | undefined {
  const positive = FAULT_KINDS.filter((kind) => (weights[kind] ?? 0) > 0);
  const total = positive.reduce((sum, kind) => sum + (weights[kind] ?? 0), 0);
  if (total <= 0) return undefined;
  let left = u * total;
  for (const kind of positive) {
    left -= weights[kind] ?? 0;
    if (left < 0) return kind;
  }
  return positive.at(-1);
}

/** The behaviour of a drawn fault; `u` in [0, 1) picks its parameter (a wait, a chunk count). */
export function faultBehaviour(
  kind: FaultKind,
  u: number,
  mix: Pick<FaultMix, 'stallMs' | 'retryAfterMs'> = {},
  profile: FaultProfile = DEFAULT_FAULT_PROFILE,
): FakeBehaviour {
  const stallMs = mix.stallMs ?? DEFAULT_FAULT_STALL_MS;
  const chunks = 1 + Math.floor(u * 3); // 1..3 content events before a mid-stream fault
  switch (kind) {
    case 'rate_limited': {
      const { min, max } = mix.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      return rateLimited(profile.rateLimitHint(min + Math.floor(u * (max - min + 1))));
    }
    case 'server_error':
      return { type: 'error', status: 500 };
    case 'unavailable':
      return { type: 'error', status: 503 };
    case 'overloaded':
      return profile.overloaded;
    case 'reset':
      return { type: 'reset' };
    case 'cut':
      return { type: 'cut', afterChunks: chunks };
    case 'stall_first_byte':
      return { type: 'stall', ms: stallMs };
    case 'stall_mid':
      return { type: 'stall_mid', afterChunks: chunks, ms: stallMs };
    case 'truncated':
      return { type: 'truncated' };
  }
}
