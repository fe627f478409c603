import type { GatewayError } from '@app/core';
import { retryDelay } from './backoff';

/** What the plan needs to know of a deployment. */
export interface PlanDeployment {
  name: string;
  provider: string;
  /** context window in tokens, when known (a context-length failure moves only to a larger one) */
  contextWindow?: number;
}

/** One place a request can go; the gateway's route targets satisfy this. */
export interface PlanTarget {
  deployment: PlanDeployment;
  /** the window as resolved from config or the model catalog; preferred over the deployment's */
  limits?: { contextWindow: number };
}

/**
 * `fallback-first`: after a failure the next untried target goes at once; once every target has
 * been tried, they are retried in turn (backoff, hints). `retry-first`: the same target is retried
 * up to `maxAttempts` before the next one is tried.
 */
export type RetryOrder = 'fallback-first' | 'retry-first';

export interface RetryPolicy {
  /** most attempts on each target, the first one included */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  honorRetryAfter: boolean;
  /** a hint longer than this is not waited for: the next target is tried instead */
  maxRetryAfterMs: number;
  order: RetryOrder;
}

export interface PlanRoute<T extends PlanTarget> {
  targets: readonly T[];
  retry: RetryPolicy;
}

export type AttemptKind = 'first' | 'retry' | 'fallback' | 'hedge';

export interface PlannedAttempt<T extends PlanTarget> {
  target: T;
  /** index of the target in the route */
  index: number;
  kind: AttemptKind;
  /** wait this long before starting the attempt */
  delayMs: number;
}

/**
 * The per-deployment state the plan consults: circuit breakers and retry budgets. Admitting an
 * attempt may take a breaker's half-open probe slot, so every admitted attempt must be settled
 * (see ResilienceRegistry).
 */
export interface AttemptGuards {
  /** whether the deployment's breaker lets an attempt through now (takes the probe slot) */
  admit(deployment: string): boolean;
  /** of these deployments (all refused by their breakers), the one closest to a probe */
  closestToRecovery(deployments: readonly string[]): string | undefined;
  /** a first attempt (or fallback) was sent to the deployment: counts toward its retry budget */
  onRequest(deployment: string): void;
  /** may a retry or hedge go to the deployment? (takes from its retry budget) */
  allowRetry(deployment: string): boolean;
  /** gives back a breaker's probe slot taken by `admit` for an attempt that will not start */
  release(deployment: string): void;
}

/** Upstream codes that mean "this deployment cannot serve you today": move on, do not wait. */
const MOVE_ON_CODES = new Set([
  'insufficient_quota',
  'quota_exhausted',
  'upstream_authentication_failed',
  'provider_busy',
]);

/**
 * Decides the attempts of one request along a route. The first attempt goes to the first target an
 * open breaker does not block (when all are blocked, to the one closest to recovery). After a
 * failure, in the route's retry order, either the next untried target goes at once, or a target is
 * retried: a retryable failure, attempts and retry budget left, after a full-jitter backoff that
 * also waits out the upstream's hint, never past the deadline. Quota exhaustion, rejected
 * credentials and a full provider queue retire a target for this request; a context-length failure
 * only moves to a larger window. A hedge goes to the next untried target (the same one on a
 * one-target route) and is paid from the hedged deployment's retry budget.
 */
export class AttemptPlan<T extends PlanTarget> {
  private index = 0;
  /** attempts made on each target */
  private readonly attempts: number[];
  /** epoch ms until which each target asked us to wait (its last retry hint) */
  private readonly waitUntil: number[];
  /** targets that may not be retried in this request */
  private readonly retired = new Set<number>();

  constructor(
    private readonly route: PlanRoute<T>,
    private readonly deadline: number | undefined,
    private readonly guards: AttemptGuards,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.attempts = new Array<number>(route.targets.length).fill(0);
    this.waitUntil = new Array<number>(route.targets.length).fill(0);
  }

  first(): PlannedAttempt<T> {
    const { targets } = this.route;
    for (let i = 0; i < targets.length; i += 1) {
      if (this.guards.admit(targets[i].deployment.name)) return this.start(i, 'first');
    }
    // every breaker is open: rather than refuse, try the one that will half-open first
    const names = targets.map((target) => target.deployment.name);
    const closest = this.guards.closestToRecovery(names);
    const index = Math.max(0, closest === undefined ? 0 : names.indexOf(closest));
    return this.start(index, 'first');
  }

  next(error: GatewayError): PlannedAttempt<T> | undefined {
    if (!isWorthAnotherAttempt(error)) return undefined;
    if (error.code === 'context_length_exceeded') return this.largerWindow();
    const failed = this.index;
    // one reading of the clock: a hint stored and read back must not lose the millisecond between
    const now = this.now();
    if (!error.retryable || MOVE_ON_CODES.has(error.code)) this.retired.add(failed);
    else if (error.retryAfterMs !== undefined && this.route.retry.honorRetryAfter) {
      this.waitUntil[failed] = now + error.retryAfterMs;
    }
    if (this.route.retry.order === 'retry-first') {
      return this.retry(failed, failed, now) ?? this.fallback() ?? this.retryAny(failed, now);
    }
    return this.fallback() ?? this.retryAny(failed, now);
  }

  /**
   * A hedge beside the running attempt, or undefined when no target can take one now or the
   * running attempt's deployment has no retry budget left.
   */
  hedge(): PlannedAttempt<T> | undefined {
    const { targets } = this.route;
    const index = targets.length > 1 ? this.untriedAfter(this.index) : this.index;
    if (index === undefined || !this.fitsDeadline(0)) return undefined;
    const target = targets[index].deployment.name;
    if (!this.guards.admit(target)) return undefined;
    // the hedge is extra load caused by the running attempt: it draws on that deployment's budget
    if (!this.guards.allowRetry(targets[this.index].deployment.name)) {
      this.guards.release(target);
      return undefined;
    }
    this.attempts[index] += 1;
    return { target: targets[index], index, kind: 'hedge', delayMs: 0 };
  }

  /** After a hedge won, later failures continue from the target that answered. */
  settleOn(index: number): void {
    this.index = index;
  }

  /** the next untried target the breakers let through, at once */
  private fallback(): PlannedAttempt<T> | undefined {
    if (!this.fitsDeadline(0)) return undefined;
    for (let i = 0; i < this.route.targets.length; i += 1) {
      if (this.attempts[i] > 0) continue;
      if (this.guards.admit(this.route.targets[i].deployment.name))
        return this.start(i, 'fallback');
    }
    return undefined;
  }

  /** a retry on any target, in route order from the one after `failed` (wrapping around) */
  private retryAny(failed: number, now: number): PlannedAttempt<T> | undefined {
    const count = this.route.targets.length;
    for (let step = 1; step <= count; step += 1) {
      const attempt = this.retry((failed + step) % count, failed, now);
      if (attempt) return attempt;
    }
    return undefined;
  }

  private retry(index: number, failed: number, now: number): PlannedAttempt<T> | undefined {
    const { retry, targets } = this.route;
    if (this.retired.has(index) || this.attempts[index] === 0) return undefined;
    if (this.attempts[index] >= retry.maxAttempts) return undefined;
    const delay = retryDelay({
      attempt: this.attempts[index],
      baseDelayMs: retry.baseDelayMs,
      maxDelayMs: retry.maxDelayMs,
      hintMs: this.waitUntil[index] > now ? this.waitUntil[index] - now : undefined,
      maxHintMs: retry.maxRetryAfterMs,
      honorHint: retry.honorRetryAfter,
      random: this.random,
    });
    if ('tooLong' in delay || !this.fitsDeadline(delay.delayMs)) return undefined;
    const name = targets[index].deployment.name;
    if (!this.guards.admit(name)) return undefined;
    if (!this.guards.allowRetry(name)) {
      this.guards.release(name);
      return undefined;
    }
    this.index = index;
    this.attempts[index] += 1;
    // a target other than the one that just failed has rested since its own failure: only the
    // rest of its hint is still owed
    const delayMs =
      index === failed ? delay.delayMs : Math.min(delay.delayMs, this.hintWait(index, now));
    return { target: targets[index], index, kind: 'retry', delayMs };
  }

  /** the rest of a target's own hint (0 without one) */
  private hintWait(index: number, now: number): number {
    return Math.max(0, this.waitUntil[index] - now);
  }

  private largerWindow(): PlannedAttempt<T> | undefined {
    if (!this.fitsDeadline(0)) return undefined;
    const window = windowOf(this.route.targets[this.index]);
    for (let i = this.index + 1; i < this.route.targets.length; i += 1) {
      const candidate = this.route.targets[i];
      if (this.attempts[i] > 0 || windowOf(candidate) <= window) continue;
      if (this.guards.admit(candidate.deployment.name)) return this.start(i, 'fallback');
    }
    return undefined;
  }

  private untriedAfter(from: number): number | undefined {
    for (let i = from + 1; i < this.route.targets.length; i += 1) {
      if (this.attempts[i] === 0) return i;
    }
    return undefined;
  }

  private start(index: number, kind: AttemptKind): PlannedAttempt<T> {
    this.index = index;
    this.attempts[index] = 1;
    const target = this.route.targets[index];
    this.guards.onRequest(target.deployment.name);
    return { target, index, kind, delayMs: 0 };
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
  if (error.code === 'provider_busy') return true;
  return error.retryable || (error.provider !== undefined && error.status >= 500);
}

/**
 * Whether a failure says something about the deployment's health (counts for its breaker):
 * upstream failures, not the caller's own errors or cancellations.
 */
export function isDeploymentFailure(error: GatewayError): boolean {
  if (error.code === 'client_closed_request' || error.code === 'provider_busy') return false;
  if (error.code === 'context_length_exceeded') return false;
  return error.retryable || (error.provider !== undefined && error.status >= 500);
}

function windowOf(target: PlanTarget): number {
  return target.limits?.contextWindow ?? target.deployment.contextWindow ?? 0;
}
