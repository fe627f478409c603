import type { Clock } from './clock';
import { SlidingCounter } from './sliding-window';

/** How many retries and hedges a deployment may receive, relative to its recent requests. */
export interface RetryBudgetSettings {
  /** retries + hedges allowed per first attempt in the window (0.2 = 20%) */
  ratio: number;
  /** the sliding window, ms */
  windowMs: number;
  /** retries always allowed per window, so a deployment with little traffic can still retry */
  minPerWindow: number;
}

/** The defaults of {@link RetryBudgetSettings} (the gateway config's defaults are the same). */
export const DEFAULT_RETRY_BUDGET_SETTINGS: Readonly<RetryBudgetSettings> = {
  ratio: 0.2,
  windowMs: 10_000,
  minPerWindow: 10,
};

/** What a retry budget needs besides its settings. */
export interface RetryBudgetOptions {
  /** the time source; default `Date.now` */
  now?: Clock;
}

/** A retry budget as plain JSON. */
export interface RetryBudgetSnapshot {
  requestsInWindow: number;
  retriesInWindow: number;
  /** retries + hedges the window allows at its current request count */
  allowedInWindow: number;
}

const REQUEST = 0;
const RETRY = 1;

/**
 * The retry budget of one deployment: retries and hedges sent to it are capped at `ratio` of the
 * first attempts it received in the window (but `minPerWindow` are always allowed), so that when a
 * deployment struggles, retries cannot multiply its load (a retry storm) — the load grows by at
 * most `ratio`.
 *
 * The cap is `max(minPerWindow, floor(ratio * requests))`: 20% of 14 requests allows 2 retries,
 * not 3. Every call is O(1) and allocates nothing.
 */
export class RetryBudget {
  readonly settings: Readonly<RetryBudgetSettings>;
  private readonly window: SlidingCounter;

  constructor(settings: Partial<RetryBudgetSettings> = {}, options: RetryBudgetOptions = {}) {
    const defaults = DEFAULT_RETRY_BUDGET_SETTINGS;
    this.settings = {
      ratio: settings.ratio ?? defaults.ratio,
      windowMs: settings.windowMs ?? defaults.windowMs,
      minPerWindow: settings.minPerWindow ?? defaults.minPerWindow,
    };
    this.window = new SlidingCounter({ windowMs: this.settings.windowMs, now: options.now });
  }

  /** Counts a first attempt sent to the deployment (not a retry, not a hedge). */
  onRequest(): void {
    this.window.add(REQUEST);
  }

  /**
   * May a retry or a hedge go to the deployment now? When yes, it is counted against the budget;
   * a refused one is not counted.
   */
  tryAcquire(): boolean {
    if (this.window.count(RETRY) >= this.allowed()) return false;
    this.window.add(RETRY);
    return true;
  }

  /** the budget as plain JSON */
  snapshot(): RetryBudgetSnapshot {
    return {
      requestsInWindow: this.window.count(REQUEST),
      retriesInWindow: this.window.count(RETRY),
      allowedInWindow: this.allowed(),
    };
  }

  private allowed(): number {
    // the epsilon keeps products like 0.29 * 100 (= 28.999999999999996) from losing a retry
    const share = Math.floor(this.settings.ratio * this.window.count(REQUEST) + 1e-9);
    return Math.max(this.settings.minPerWindow, share);
  }
}
