import type { Clock } from './clock';
import { SlidingCounter } from './sliding-window';

/** When a deployment's {@link CircuitBreaker} opens and how long it stays open. */
export interface BreakerSettings {
  /** consecutive failures that open the breaker; 0 disables this trigger */
  consecutiveFailures: number;
  /** failure share over the window (0..1) that opens it; 0 disables this trigger */
  failureRate: number;
  /** the sliding window for the rate, ms */
  windowMs: number;
  /** fewest calls in the window before the rate can open it */
  minimumCalls: number;
  /** how long it stays open before a probe is let through */
  coolDownMs: number;
}

/**
 * `closed`: calls flow and their outcomes are counted. `open`: calls are refused until the
 * cool-down has passed. `half-open`: one probe call at a time decides between closed and open.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Called after every state change (metrics, logs); must not throw. */
export type BreakerStateListener = (name: string, from: BreakerState, to: BreakerState) => void;

/** What a breaker needs besides its settings. */
export interface CircuitBreakerOptions {
  /** the time source; default `Date.now` */
  now?: Clock;
  onStateChange?: BreakerStateListener;
}

/** A breaker's state as plain JSON, for the readiness endpoint and logs. */
export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  consecutiveFailures: number;
  callsInWindow: number;
  failuresInWindow: number;
  /** when it last opened (epoch ms); present while open or half-open */
  openedAt?: number;
  /** when the cool-down ends (epoch ms); present while open or half-open */
  halfOpenAt?: number;
}

const SUCCESS = 0;
const FAILURE = 1;

/**
 * The circuit breaker of one deployment: stops sending it traffic after it failed repeatedly, and
 * lets a single probe call find out when it has recovered.
 *
 * Protocol: ask {@link tryAcquire} before each call; when it said yes, report exactly one of
 * {@link onSuccess}, {@link onFailure} or {@link release} when the call ends.
 *
 * Only failures that say something about the deployment may be reported with `onFailure`: upstream
 * 5xx, overload, rate limiting, timeouts, connection failures, cut streams. Caller errors (invalid
 * request, context too long, the caller cancelling) are not the deployment's fault: report them with
 * `onSuccess` when the deployment answered properly, or `release` when the call ended without an
 * answer (cancelled), so they neither open the breaker nor keep a probe slot taken.
 *
 * Outcomes are attributed by state, not per call (the API carries no call token, so the hot path
 * allocates nothing): while open, outcomes of calls admitted before it opened are ignored; while
 * half-open, the first success closes the breaker and the first failure re-opens it, whether it
 * came from the probe or from a call admitted before the breaker opened (both are fresh evidence);
 * either frees the probe slot.
 *
 * The closed path (`tryAcquire` + `onSuccess`/`onFailure`) is O(1) and allocates nothing.
 */
export class CircuitBreaker {
  private readonly now: Clock;
  private readonly onStateChange?: BreakerStateListener;
  private readonly window: SlidingCounter;
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private probeTaken = false;
  private openedAt = 0;
  private halfOpenAt = 0;

  constructor(
    readonly name: string,
    readonly settings: Readonly<BreakerSettings>,
    options: CircuitBreakerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.onStateChange = options.onStateChange;
    this.window = new SlidingCounter({ windowMs: settings.windowMs, now: this.now });
  }

  /** the current state; an open breaker whose cool-down has passed becomes half-open here */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() >= this.halfOpenAt) this.transition('half-open');
    return this.current;
  }

  /**
   * May a call start now? Closed: yes. Open: no, until the cool-down has passed. Half-open: yes
   * for one caller at a time, who then holds the probe slot until it reports an outcome or
   * releases it.
   */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.state !== 'half-open' || this.probeTaken) return false;
    this.probeTaken = true;
    return true;
  }

  /** The deployment answered properly. In half-open this closes the breaker and resets its counts. */
  onSuccess(): void {
    if (this.current === 'closed') {
      this.consecutive = 0;
      this.window.add(SUCCESS);
    } else if (this.state === 'half-open') {
      this.probeTaken = false;
      this.consecutive = 0;
      this.window.reset();
      this.transition('closed');
    }
  }

  /**
   * The deployment failed (an upstream failure, never a caller error). In closed this may fire a
   * trigger and open the breaker; in half-open it re-opens it for another cool-down.
   */
  onFailure(): void {
    if (this.current === 'closed') {
      this.consecutive++;
      this.window.add(FAILURE);
      if (this.shouldOpen()) this.open();
    } else if (this.state === 'half-open') {
      this.probeTaken = false;
      this.consecutive++;
      this.window.add(FAILURE);
      this.open();
    }
  }

  /** The call ended without an outcome (cancelled by the caller): frees the probe slot if taken. */
  release(): void {
    this.probeTaken = false;
  }

  /** ms until an open breaker lets a probe through; 0 when it is not open (or about to half-open) */
  msUntilHalfOpen(): number {
    if (this.current !== 'open') return 0;
    return Math.max(0, this.halfOpenAt - this.now());
  }

  /** the breaker as plain JSON; evaluates the open -> half-open change by time first */
  snapshot(): BreakerSnapshot {
    const state = this.state;
    const snapshot: BreakerSnapshot = {
      name: this.name,
      state,
      consecutiveFailures: this.consecutive,
      callsInWindow: this.window.total(),
      failuresInWindow: this.window.count(FAILURE),
    };
    if (state !== 'closed') {
      snapshot.openedAt = this.openedAt;
      snapshot.halfOpenAt = this.halfOpenAt;
    }
    return snapshot;
  }

  private shouldOpen(): boolean {
    const { consecutiveFailures, failureRate, minimumCalls } = this.settings;
    if (consecutiveFailures > 0 && this.consecutive >= consecutiveFailures) return true;
    if (failureRate <= 0) return false;
    const calls = this.window.total();
    // a quotient, not failureRate * calls: 7 / 100 is the double 0.07, 0.07 * 100 is 7.000000000000001
    return calls >= minimumCalls && this.window.count(FAILURE) / calls >= failureRate;
  }

  private open(): void {
    this.openedAt = this.now();
    this.halfOpenAt = this.openedAt + this.settings.coolDownMs;
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.onStateChange?.(this.name, from, to);
  }
}
