import { GatewayError, upstreamError } from '@app/core';
import {
  AttemptPlan,
  type AttemptGuards,
  type PlanRoute,
  type PlanTarget,
  type RetryPolicy,
} from './attempt-plan';

const target = (name: string, contextWindow?: number): PlanTarget => ({
  deployment: { name, provider: `p-${name}`, contextWindow },
});

const retry: RetryPolicy = {
  maxAttempts: 2,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  honorRetryAfter: true,
  maxRetryAfterMs: 5000,
  order: 'retry-first',
};
const route: PlanRoute<PlanTarget> = { targets: [target('a'), target('b')], retry };

/** Guards with every breaker closed and unlimited budgets unless told otherwise. */
class Guards implements AttemptGuards {
  readonly open = new Set<string>();
  readonly noBudget = new Set<string>();
  readonly requests: string[] = [];
  readonly retries: string[] = [];
  readonly released: string[] = [];
  recovery: string | undefined;

  admit(deployment: string): boolean {
    return !this.open.has(deployment);
  }
  closestToRecovery(deployments: readonly string[]): string | undefined {
    return this.recovery ?? deployments[0];
  }
  onRequest(deployment: string): void {
    this.requests.push(deployment);
  }
  allowRetry(deployment: string): boolean {
    if (this.noBudget.has(deployment)) return false;
    this.retries.push(deployment);
    return true;
  }
  release(deployment: string): void {
    this.released.push(deployment);
  }
}

const overloaded = upstreamError({ provider: 'p', status: 503, message: 'busy' });
const hinted = (ms: number) =>
  upstreamError({ provider: 'p', status: 429, message: 'slow down', retryAfterMs: ms });

function walk(plan: AttemptPlan<PlanTarget>, errors: GatewayError[]): string[] {
  const first = plan.first();
  const out = [`${first.kind}:${first.target.deployment.name}`];
  for (const error of errors) {
    const next = plan.next(error);
    out.push(next ? `${next.kind}:${next.target.deployment.name}` : 'stop');
  }
  return out;
}

describe('AttemptPlan, fallback-first (the default order)', () => {
  const fallbackFirst: PlanRoute<PlanTarget> = {
    targets: [target('a'), target('b')],
    retry: { ...retry, maxAttempts: 3, order: 'fallback-first' },
  };

  it('falls back at once, then retries the targets in turn', () => {
    const guards = new Guards();
    const plan = new AttemptPlan(fallbackFirst, undefined, guards, () => 0.5);
    expect(
      walk(
        plan,
        Array.from({ length: 6 }, () => overloaded),
      ),
    ).toEqual(['first:a', 'fallback:b', 'retry:a', 'retry:b', 'retry:a', 'retry:b', 'stop']);
    // only the retries draw on the budgets; both targets' first attempts count as requests
    expect(guards.requests).toEqual(['a', 'b']);
    expect(guards.retries).toEqual(['a', 'b', 'a', 'b']);
  });

  it('owes a target that rested during the other attempt only the rest of its own hint', () => {
    let now = 0;
    const plan = new AttemptPlan(
      fallbackFirst,
      undefined,
      new Guards(),
      () => 0.99,
      () => now,
    );
    plan.first();
    expect(plan.next(hinted(1000))).toMatchObject({ kind: 'fallback', delayMs: 0 });
    now = 300;
    // b failed without a hint: a is retried after the 700 ms left of its hint
    expect(plan.next(overloaded)).toMatchObject({ kind: 'retry', index: 0, delayMs: 700 });
  });

  it('retires a target that is out of quota: it is never retried in this request', () => {
    const quota = upstreamError({
      provider: 'p',
      status: 429,
      message: 'q',
      upstreamCode: 'insufficient_quota',
    });
    const plan = new AttemptPlan(fallbackFirst, undefined, new Guards(), () => 0);
    expect(walk(plan, [quota, overloaded, overloaded, overloaded])).toEqual([
      'first:a',
      'fallback:b',
      'retry:b',
      'retry:b',
      'stop',
    ]);
  });

  it('gives back the probe slot when the budget refuses a retry', () => {
    const guards = new Guards();
    guards.noBudget.add('a');
    guards.noBudget.add('b');
    const plan = new AttemptPlan(fallbackFirst, undefined, guards, () => 0);
    expect(walk(plan, [overloaded, overloaded])).toEqual(['first:a', 'fallback:b', 'stop']);
    expect(guards.released).toEqual(['a', 'b']);
  });
});

describe('AttemptPlan, retry-first', () => {
  it('retries a retryable error on the same target, then falls back, then stops', () => {
    const guards = new Guards();
    const plan = new AttemptPlan(route, undefined, guards, () => 0.5);
    expect(walk(plan, [overloaded, overloaded, overloaded, overloaded])).toEqual([
      'first:a',
      'retry:a',
      'fallback:b',
      'retry:b',
      'stop',
    ]);
    // first attempts count as requests for the retry budgets, retries draw from them
    expect(guards.requests).toEqual(['a', 'b']);
    expect(guards.retries).toEqual(['a', 'b']);
  });

  it('uses full jitter on exponential backoff and waits at least the upstream hint', () => {
    const plan = new AttemptPlan(route, undefined, new Guards(), () => 0.5);
    plan.first();
    expect(plan.next(overloaded)?.delayMs).toBe(50);
    const withHint = new AttemptPlan(route, undefined, new Guards(), () => 0.1);
    withHint.first();
    expect(withHint.next(hinted(2000))).toMatchObject({ kind: 'retry', delayMs: 2000 });
  });

  it('does not wait for a hint above maxRetryAfterMs: the next target goes at once', () => {
    const plan = new AttemptPlan(route, undefined, new Guards(), () => 0.1);
    plan.first();
    expect(plan.next(hinted(60_000))).toMatchObject({ kind: 'fallback', delayMs: 0 });
    expect(plan.next(hinted(60_000))).toBeUndefined();
  });

  it('never waits past the deadline: moves on, then fails fast', () => {
    let now = 1000;
    const plan = new AttemptPlan(
      route,
      3000,
      new Guards(),
      () => 0.99,
      () => now,
    );
    plan.first();
    expect(plan.next(hinted(2500))).toMatchObject({ kind: 'fallback', delayMs: 0 });
    now = 3000;
    expect(plan.next(overloaded)).toBeUndefined();
  });

  it('fails at once on a caller error or a cancelled request', () => {
    expect(
      walk(new AttemptPlan(route, undefined, new Guards()), [GatewayError.invalidRequest('x')]),
    ).toEqual(['first:a', 'stop']);
    expect(walk(new AttemptPlan(route, undefined, new Guards()), [GatewayError.aborted()])).toEqual(
      ['first:a', 'stop'],
    );
  });

  it('moves on without retrying on quota exhaustion, rejected credentials and a full queue', () => {
    const quota = upstreamError({
      provider: 'p',
      status: 429,
      message: 'q',
      upstreamCode: 'insufficient_quota',
    });
    const auth = upstreamError({ provider: 'p', status: 401, message: 'no' });
    const busy = GatewayError.unavailable('full', 1000, 'provider_busy');
    for (const error of [quota, auth, busy]) {
      expect(walk(new AttemptPlan(route, undefined, new Guards()), [error])).toEqual([
        'first:a',
        'fallback:b',
      ]);
    }
  });

  it('moves a context-length failure only to a target with a larger window', () => {
    const windows: PlanRoute<PlanTarget> = {
      targets: [
        target('small', 8000),
        target('same', 8000),
        target('unknown'),
        target('large', 128_000),
      ],
      retry,
    };
    const tooLong = upstreamError({
      provider: 'p',
      status: 400,
      message: 'long',
      upstreamCode: 'context_length_exceeded',
    });
    expect(walk(new AttemptPlan(windows, undefined, new Guards()), [tooLong, tooLong])).toEqual([
      'first:small',
      'fallback:large',
      'stop',
    ]);
  });

  it('skips targets whose breaker is open, and tries the one closest to recovery when all are', () => {
    const guards = new Guards();
    guards.open.add('a');
    expect(walk(new AttemptPlan(route, undefined, guards), [])).toEqual(['first:b']);
    guards.open.add('b');
    guards.recovery = 'b';
    expect(walk(new AttemptPlan(route, undefined, guards), [])).toEqual(['first:b']);
  });

  it('does not retry a target whose breaker opened meanwhile or whose retry budget is spent', () => {
    const opened = new Guards();
    const plan = new AttemptPlan(route, undefined, opened, () => 0);
    plan.first();
    opened.open.add('a');
    expect(plan.next(overloaded)).toMatchObject({ kind: 'fallback' });

    const spent = new Guards();
    spent.noBudget.add('a');
    expect(walk(new AttemptPlan(route, undefined, spent, () => 0), [overloaded])).toEqual([
      'first:a',
      'fallback:b',
    ]);
    expect(spent.released).toEqual(['a']);
  });

  it('hedges on the next target (the same one on a one-target route), within its budget', () => {
    const guards = new Guards();
    const plan = new AttemptPlan(route, undefined, guards);
    plan.first();
    expect(plan.hedge()).toMatchObject({ kind: 'hedge', index: 1 });
    // the hedged deployment pays for its hedge
    expect(guards.retries).toEqual(['a']);
    // b was tried by the hedge: when both failed, b is retried rather than "fallen back" to
    expect(plan.next(GatewayError.unavailable('x', undefined, 'provider_busy'))).toMatchObject({
      kind: 'retry',
      index: 1,
    });

    const single = new AttemptPlan({ targets: [target('only')], retry }, undefined, new Guards());
    single.first();
    expect(single.hedge()).toMatchObject({ kind: 'hedge', index: 0 });

    const spent = new Guards();
    spent.noBudget.add('a');
    const noHedge = new AttemptPlan(route, undefined, spent);
    noHedge.first();
    expect(noHedge.hedge()).toBeUndefined();
  });

  it('continues from the target that won a hedge', () => {
    const plan = new AttemptPlan(route, undefined, new Guards(), () => 0);
    plan.first();
    const hedge = plan.hedge();
    plan.settleOn(hedge?.index ?? 0);
    expect(plan.next(overloaded)).toMatchObject({ kind: 'retry', index: 1 });
  });
});
