import { GatewayError } from '@app/core';
import type { ResolvedRoute, RouteTarget } from '../routing/router';

export interface PlannedAttempt {
  target: RouteTarget;
  /** wait this long before starting the attempt */
  delayMs: number;
}

/** Upstream codes that mean "this deployment cannot serve you today": move on, do not wait. */
const MOVE_ON_CODES = new Set([
  'insufficient_quota',
  'quota_exhausted',
  'upstream_authentication_failed',
]);

/**
 * Decides the next attempt after a failure: the same target again (retryable error, attempts left,
 * exponential backoff with full jitter that honours the upstream's hint), the next target in the
 * fallback chain (the target is spent or cannot serve), or none (a caller error, or the deadline
 * would pass). Pure apart from the injected random source and clock.
 */
export class AttemptPlan {
  private targetIndex = 0;
  private attemptsOnTarget = 0;

  constructor(
    private readonly route: ResolvedRoute,
    private readonly deadline: number | undefined,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  first(): PlannedAttempt {
    this.attemptsOnTarget = 1;
    return { target: this.route.targets[0], delayMs: 0 };
  }

  next(error: GatewayError): PlannedAttempt | undefined {
    if (!isWorthAnotherAttempt(error)) return undefined;
    const { retry } = this.route;
    const sameTarget =
      error.retryable &&
      !MOVE_ON_CODES.has(error.code) &&
      error.code !== 'context_length_exceeded' &&
      this.attemptsOnTarget < retry.maxAttempts;
    if (sameTarget) {
      const delayMs = this.backoff(error);
      if (!this.fitsDeadline(delayMs)) return this.nextTarget();
      this.attemptsOnTarget++;
      return { target: this.route.targets[this.targetIndex], delayMs };
    }
    return this.nextTarget();
  }

  private nextTarget(): PlannedAttempt | undefined {
    if (this.targetIndex + 1 >= this.route.targets.length) return undefined;
    if (!this.fitsDeadline(0)) return undefined;
    this.targetIndex++;
    this.attemptsOnTarget = 1;
    return { target: this.route.targets[this.targetIndex], delayMs: 0 };
  }

  private backoff(error: GatewayError): number {
    const { baseDelayMs, maxDelayMs, honorRetryAfter } = this.route.retry;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (this.attemptsOnTarget - 1));
    const jittered = Math.floor(this.random() * exponential);
    if (honorRetryAfter && error.retryAfterMs !== undefined) {
      return Math.min(maxDelayMs, Math.max(jittered, error.retryAfterMs));
    }
    return jittered;
  }

  private fitsDeadline(delayMs: number): boolean {
    return this.deadline === undefined || this.now() + delayMs < this.deadline;
  }
}

/**
 * Failures another attempt may fix: anything retryable, and upstream-side failures (a 5xx we were
 * given by or about the upstream). Caller errors (invalid request, too large) fail at once, except a
 * context-length error, which a larger-window fallback may absorb.
 */
function isWorthAnotherAttempt(error: GatewayError): boolean {
  if (error.code === 'client_closed_request') return false;
  if (error.code === 'context_length_exceeded') return true;
  return error.retryable || (error.provider !== undefined && error.status >= 500);
}
