import { GatewayError } from '@app/core';
import { CircuitBreaker } from './circuit-breaker';
import type { BreakerSettings, BreakerSnapshot, CircuitBreakerOptions } from './circuit-breaker';

/**
 * Where a {@link BreakerRegistry} finds a deployment's settings: a map (its breakers are created up
 * front) or a function asked on a deployment's first use (undefined = use the registry's defaults).
 */
export type BreakerSettingsSource =
  ReadonlyMap<string, BreakerSettings> | ((name: string) => BreakerSettings | undefined);

/** Options shared by every breaker of a registry, plus the settings of unlisted deployments. */
export interface BreakerRegistryOptions extends CircuitBreakerOptions {
  /** settings for a deployment the source does not know; without them such a name is an error */
  defaults?: BreakerSettings;
}

/**
 * One {@link CircuitBreaker} per deployment name, so that every request to a deployment sees the
 * same breaker. Breakers listed in a settings map exist from the start (the readiness endpoint
 * shows them before any traffic); others are created on first use.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly settingsFor: (name: string) => BreakerSettings | undefined;

  constructor(
    source: BreakerSettingsSource,
    private readonly options: BreakerRegistryOptions = {},
  ) {
    if (typeof source === 'function') {
      this.settingsFor = source;
    } else {
      this.settingsFor = (name) => source.get(name);
      for (const [name, settings] of source) {
        this.breakers.set(name, new CircuitBreaker(name, settings, options));
      }
    }
  }

  /** how many breakers exist */
  get size(): number {
    return this.breakers.size;
  }

  /**
   * The breaker of deployment `name`, created on first use. Throws an internal GatewayError when
   * neither the source nor the defaults have settings for it (a wiring bug, not a caller error).
   */
  get(name: string): CircuitBreaker {
    const existing = this.breakers.get(name);
    if (existing !== undefined) return existing;
    const settings = this.settingsFor(name) ?? this.options.defaults;
    if (settings === undefined) {
      throw GatewayError.internal(`No circuit breaker settings for deployment '${name}'.`);
    }
    const breaker = new CircuitBreaker(name, settings, this.options);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /** every breaker as plain JSON, in creation order */
  snapshot(): BreakerSnapshot[] {
    const out: BreakerSnapshot[] = [];
    for (const breaker of this.breakers.values()) out.push(breaker.snapshot());
    return out;
  }

  /**
   * When every target of a route refuses calls: the one closest to recovery (smallest
   * `msUntilHalfOpen`; the earlier name on a tie, so the route's order still counts), to try it
   * rather than refusing outright. Undefined only for an empty list. The caller sends to it without
   * `tryAcquire`; outcomes it reports while that breaker is still open are ignored.
   */
  pickWhenAllOpen(names: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestMs = Infinity;
    for (let i = 0; i < names.length; i++) {
      const ms = this.get(names[i]).msUntilHalfOpen();
      if (ms < bestMs) {
        best = names[i];
        bestMs = ms;
      }
    }
    return best;
  }
}
