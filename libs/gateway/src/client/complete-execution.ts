import type { ChatRequest, ChatResponse } from '@app/core';
import { AttemptPlan, type PlannedAttempt } from '@app/resilience';
import type { RouteTarget } from '../routing/router';
import {
  childController,
  sleep,
  toGatewayError,
  type AttemptHandle,
  type AttemptRunner,
} from './attempt-runner';

/**
 * A non-streaming request along its route: attempts in the plan's order (retries with backoff,
 * fallbacks), each optionally hedged: when it has not answered after the hedge delay, a second
 * attempt starts beside it, the first answer wins and the other is aborted upstream.
 */
export async function completeAlongRoute(
  runner: AttemptRunner,
  plan: AttemptPlan<RouteTarget>,
  request: ChatRequest,
): Promise<ChatResponse> {
  const { context } = runner;
  let attempt: PlannedAttempt<RouteTarget> | undefined = plan.first();
  for (;;) {
    if (attempt.delayMs > 0) await sleep(attempt.delayMs, context.signal);
    else if (context.signal.aborted) throw toGatewayError(undefined, context.signal);
    const started = Date.now();
    try {
      const hedgeMs = runner.hedgeDelayMs(attempt.target);
      return hedgeMs === undefined
        ? await single(runner, attempt, request)
        : await hedged(runner, plan, attempt, request, hedgeMs);
    } catch (error) {
      const failure = toGatewayError(error, context.signal);
      attempt = plan.next(failure);
      if (!attempt) throw failure;
    } finally {
      context.meta.upstreamMs += Date.now() - started;
    }
  }
}

/** One attempt on the request's own signal (the common, unhedged case: no extra controller). */
async function single(
  runner: AttemptRunner,
  planned: PlannedAttempt<RouteTarget>,
  request: ChatRequest,
): Promise<ChatResponse> {
  const { context } = runner;
  // fitted before the provider slot is taken: a summary may call another provider first
  const prepared = runner.prepare(request, planned.target, context.signal);
  const forDeployment = prepared instanceof Promise ? await prepared : prepared;
  const handle = runner.beginNow(planned) ?? (await runner.begin(planned, context.signal));
  try {
    runner.sent(handle, forDeployment);
    const response = await runner
      .client(planned.target)
      .complete(forDeployment, runner.attemptContext(handle));
    runner.finishAnswered(handle, response);
    runner.answeredBy(handle);
    return response;
  } catch (error) {
    const failure = toGatewayError(error, context.signal);
    runner.finish(handle, failure);
    throw failure;
  }
}

interface Racer {
  handle: AttemptHandle;
  abort: () => void;
}

/**
 * The attempt, and after `hedgeMs` without an answer a hedge on the plan's hedge target. Resolves
 * with the first answer (the other attempt is aborted and logged as lost); rejects when the
 * attempt fails before the hedge starts, or when both have failed.
 */
function hedged(
  runner: AttemptRunner,
  plan: AttemptPlan<RouteTarget>,
  first: PlannedAttempt<RouteTarget>,
  request: ChatRequest,
  hedgeMs: number,
): Promise<ChatResponse> {
  const { context } = runner;
  return new Promise<ChatResponse>((resolve, reject) => {
    const racers: Racer[] = [];
    let settled = false;
    let running = 0;
    let hedgeTimer: NodeJS.Timeout | undefined;

    const settle = () => {
      settled = true;
      if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
    };
    const launch = (planned: PlannedAttempt<RouteTarget>, handle: AttemptHandle) => {
      const { controller, dispose } = childController(context.signal);
      const racer: Racer = { handle, abort: () => controller.abort() };
      racers.push(racer);
      running += 1;
      const attemptContext = runner.attemptContext(handle, controller.signal);
      Promise.resolve(runner.prepare(request, planned.target, controller.signal))
        .then((prepared) => {
          runner.sent(handle, prepared);
          return runner.client(planned.target).complete(prepared, attemptContext);
        })
        .then(
          (response) => {
            if (settled) {
              // answered after the race was decided (it was logged as lost): its tokens were used
              runner.finishAnswered(handle, response);
              return;
            }
            settle();
            runner.finishAnswered(handle, response);
            runner.answeredBy(handle);
            plan.settleOn(planned.index);
            for (const other of racers) {
              if (other === racer) continue;
              runner.finish(other.handle, undefined, undefined, true);
              other.abort();
            }
            resolve(response);
          },
          (error: unknown) => {
            running -= 1;
            if (settled) return;
            const failure = toGatewayError(error, controller.signal);
            runner.finish(handle, failure);
            // the last one running failed: back to the plan (retry, fallback); a failure before
            // the hedge started does not wait for it
            if (running === 0) {
              settle();
              reject(failure);
            }
          },
        )
        .finally(dispose);
    };

    const begun = runner.beginNow(first);
    (begun ? Promise.resolve(begun) : runner.begin(first, context.signal)).then(
      (handle) => {
        launch(first, handle);
        hedgeTimer = setTimeout(() => {
          hedgeTimer = undefined;
          if (settled) return;
          const hedge = plan.hedge();
          if (hedge === undefined) return;
          const handle = runner.beginNow(hedge);
          // the provider is at its concurrency limit: no hedge, and the breaker slot goes back
          if (handle === undefined) runner.resilience.release(hedge.target.deployment.name);
          else launch(hedge, handle);
        }, hedgeMs);
      },
      (error: unknown) => reject(toGatewayError(error, context.signal)),
    );
  });
}
