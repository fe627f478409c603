import { GatewayError, upstreamError } from '@app/core';
import type { DeploymentConfig } from '../config';
import type { ResolvedRoute } from '../routing/router';
import { AttemptPlan } from './attempt-plan';

const deployment = (name: string) => ({ name }) as DeploymentConfig;

const route: ResolvedRoute = {
  name: 'r',
  kind: 'route',
  targets: [{ deployment: deployment('a') }, { deployment: deployment('b') }],
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000, honorRetryAfter: true },
};

const names = (plan: AttemptPlan, errors: GatewayError[]) => {
  const out = [plan.first().target.deployment.name];
  for (const error of errors) {
    const next = plan.next(error);
    out.push(next ? next.target.deployment.name : 'stop');
  }
  return out;
};

describe('AttemptPlan', () => {
  const overloaded = upstreamError({ provider: 'p', status: 503, message: 'busy' });

  it('retries a retryable error on the same target, then falls back, then stops', () => {
    const plan = new AttemptPlan(route, undefined, () => 0.5);
    expect(names(plan, [overloaded, overloaded, overloaded, overloaded])).toEqual([
      'a',
      'a',
      'b',
      'b',
      'stop',
    ]);
  });

  it('uses full jitter on exponential backoff and honours retry-after up to the cap', () => {
    const plan = new AttemptPlan(route, undefined, () => 0.5);
    plan.first();
    expect(plan.next(overloaded)?.delayMs).toBe(50);
    const hinted = new AttemptPlan(route, undefined, () => 0.1);
    hinted.first();
    const withHint = upstreamError({ provider: 'p', status: 429, message: 'x', retryAfterMs: 700 });
    expect(hinted.next(withHint)?.delayMs).toBe(700);
    const capped = new AttemptPlan(route, undefined, () => 0.1);
    capped.first();
    const longHint = upstreamError({
      provider: 'p',
      status: 429,
      message: 'x',
      retryAfterMs: 60_000,
    });
    expect(capped.next(longHint)?.delayMs).toBe(1000);
  });

  it('fails at once on a caller error', () => {
    const plan = new AttemptPlan(route, undefined);
    expect(names(plan, [GatewayError.invalidRequest('bad')])).toEqual(['a', 'stop']);
  });

  it('moves to the next target without waiting on quota exhaustion and upstream auth failure', () => {
    const quota = upstreamError({
      provider: 'p',
      status: 429,
      message: 'q',
      upstreamCode: 'insufficient_quota',
    });
    const auth = upstreamError({ provider: 'p', status: 401, message: 'no' });
    expect(names(new AttemptPlan(route, undefined), [quota])).toEqual(['a', 'b']);
    expect(names(new AttemptPlan(route, undefined), [auth])).toEqual(['a', 'b']);
  });

  it('never waits past the deadline', () => {
    let now = 1000;
    const plan = new AttemptPlan(
      route,
      1100,
      () => 0.99,
      () => now,
    );
    plan.first();
    const hint = upstreamError({ provider: 'p', status: 429, message: 'x', retryAfterMs: 500 });
    expect(plan.next(hint)?.target.deployment.name).toBe('b');
    now = 1200;
    expect(plan.next(hint)).toBeUndefined();
  });

  it('stops when the client went away', () => {
    const plan = new AttemptPlan(route, undefined);
    expect(names(plan, [GatewayError.aborted()])).toEqual(['a', 'stop']);
  });
});
