/**
 * AWS "full jitter" backoff: a delay drawn uniformly from [0, min(maxDelayMs, baseDelayMs *
 * 2^(attempt - 1))], floored to whole ms (the upper end only when `random` returns 1). Spreading retries over the whole interval keeps clients that failed
 * together from retrying together.
 *
 * @param attempt 1 for the first retry, 2 for the second, ... (below 1 counts as 1)
 * @param random a source of [0, 1) (`Math.random`; injected so tests are deterministic)
 */
export function fullJitterBackoff(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const exponent = attempt > 1 ? attempt - 1 : 0;
  const ceiling = Math.max(0, Math.min(maxDelayMs, baseDelayMs * 2 ** exponent));
  const draw = Math.min(1, Math.max(0, random()));
  return Math.floor(draw * ceiling);
}

/** The inputs of {@link retryDelay}. */
export interface RetryDelayInput {
  /** 1 for the first retry */
  attempt: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** the upstream's retry hint (`retry-after`, `retry-after-ms`, Gemini `RetryInfo`), ms */
  hintMs?: number;
  /** a hint longer than this is not waited for */
  maxHintMs: number;
  /** whether to honour the hint at all (the route's `honorRetryAfter`) */
  honorHint: boolean;
  /** a source of [0, 1) */
  random: () => number;
}

/**
 * What to do before a retry on the same deployment: wait `delayMs`, or (`tooLong`) do not wait
 * here, because the upstream asked for longer than `maxHintMs`; the caller then moves on to the
 * next target (or gives up), and may pass `hintMs` on as its own `Retry-After`.
 */
export type RetryDelay = { delayMs: number } | { tooLong: true; hintMs: number };

/**
 * The delay before a retry: full-jitter backoff; with a hint that is honoured, at least the hint
 * (`max(jittered, hint)`, the hint taking precedence over `maxDelayMs`, since retrying earlier than
 * the upstream asked only earns another refusal), unless the hint exceeds `maxHintMs`, which
 * yields `tooLong`. A negative or non-finite hint is ignored. The request deadline is the caller's
 * concern.
 */
export function retryDelay(input: RetryDelayInput): RetryDelay {
  const jittered = fullJitterBackoff(
    input.attempt,
    input.baseDelayMs,
    input.maxDelayMs,
    input.random,
  );
  const { hintMs } = input;
  if (!input.honorHint || hintMs === undefined || !Number.isFinite(hintMs) || hintMs < 0) {
    return { delayMs: jittered };
  }
  if (hintMs > input.maxHintMs) return { tooLong: true, hintMs };
  return { delayMs: Math.max(jittered, hintMs) };
}
