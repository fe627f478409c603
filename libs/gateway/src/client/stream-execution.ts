import { defer, from, Observable, switchMap, type Subscription } from 'rxjs';
import { GatewayError, type ChatChunk, type ChatRequest, type RequestContext } from '@app/core';
import type { AttemptPlan, PlannedAttempt } from '@app/resilience';
import type { RouteTarget } from '../routing/router';
import {
  childController,
  sleep,
  toGatewayError,
  type AttemptHandle,
  type AttemptRunner,
} from './attempt-runner';

/** The first chunk of every stream, sent as soon as an attempt's upstream stream opens. */
const STREAM_OPENER: ChatChunk = { delta: { role: 'assistant', content: '' } };

interface StreamAttempt {
  planned: PlannedAttempt<RouteTarget>;
  handle: AttemptHandle;
  /** chunks received before this attempt committed */
  held: ChatChunk[];
  subscription?: Subscription;
  /** aborts this attempt alone (hedged routes only) */
  abort?: () => void;
  dispose?: () => void;
}

/**
 * A streaming request along its route. The caller's first byte is an opener chunk, sent as soon
 * as an upstream stream opens. Until an attempt sends content it can be replaced invisibly: a
 * failure goes back to the plan (retry, fallback), and on hedged routes a second attempt starts
 * when the first has sent no content after the hedge delay; the first to send content wins and
 * the other is aborted. After content was committed a failure ends the stream with the error.
 */
export function streamAlongRoute(
  runner: AttemptRunner,
  plan: AttemptPlan<RouteTarget>,
  request: ChatRequest,
): Observable<ChatChunk> {
  return new Observable<ChatChunk>((subscriber) => {
    const { context } = runner;
    const hedging = runner.route.hedge !== undefined;
    const live = new Set<StreamAttempt>();
    let winner: StreamAttempt | undefined;
    let opened = false;
    let stopped = false;
    let hedgeTimer: NodeJS.Timeout | undefined;
    let liveSince = 0;

    const clearHedge = () => {
      if (hedgeTimer !== undefined) clearTimeout(hedgeTimer);
      hedgeTimer = undefined;
    };
    const addLive = (attempt: StreamAttempt) => {
      if (live.size === 0) liveSince = Date.now();
      live.add(attempt);
    };
    const removeLive = (attempt: StreamAttempt) => {
      if (!live.delete(attempt)) return;
      attempt.dispose?.();
      // upstream time is wall time with at least one attempt running (hedges overlap)
      if (live.size === 0) context.meta.upstreamMs += Date.now() - liveSince;
    };
    const abandon = (attempt: StreamAttempt, lost: boolean) => {
      removeLive(attempt);
      runner.finish(attempt.handle, lost ? undefined : GatewayError.aborted(), undefined, lost);
      attempt.subscription?.unsubscribe();
      attempt.abort?.();
    };
    const commit = (attempt: StreamAttempt) => {
      winner = attempt;
      clearHedge();
      runner.answeredBy(attempt.handle);
      plan.settleOn(attempt.planned.index);
      for (const other of [...live]) if (other !== attempt) abandon(other, true);
      for (const chunk of attempt.held.splice(0)) subscriber.next(chunk);
    };

    const launch = (planned: PlannedAttempt<RouteTarget>, handle: AttemptHandle) => {
      const attempt: StreamAttempt = { planned, handle, held: [] };
      let attemptContext: RequestContext;
      if (hedging) {
        const child = childController(context.signal);
        attempt.abort = () => child.controller.abort();
        attempt.dispose = child.dispose;
        attemptContext = runner.attemptContext(handle, child.controller.signal);
      } else {
        attemptContext = runner.attemptContext(handle);
      }
      addLive(attempt);
      // defer: a provider that throws while starting fails this attempt like any other error
      attempt.subscription = defer(() => {
        const client = runner.client(planned.target);
        const prepared = runner.prepare(request, planned.target, attemptContext.signal);
        const send = (fitted: ChatRequest) => {
          runner.sent(handle, fitted);
          return client.stream(fitted, attemptContext);
        };
        return prepared instanceof Promise ? from(prepared).pipe(switchMap(send)) : send(prepared);
      }).subscribe({
        next: (chunk) => {
          runner.received(handle, chunk);
          if (winner === attempt) return subscriber.next(chunk);
          if (winner !== undefined) return;
          if (!opened) {
            // the stream is open upstream: answer the caller's first byte now with an opener
            // that is the same whichever attempt ends up answering
            opened = true;
            subscriber.next(STREAM_OPENER);
          }
          if (isOpenerOnly(chunk)) return;
          attempt.held.push(chunk);
          if (!commitsStream(chunk)) return;
          context.meta.ttftMs = Date.now() - context.startedAt;
          commit(attempt);
        },
        error: (error: unknown) => {
          removeLive(attempt);
          const failure = toGatewayError(error, attemptContext.signal);
          runner.finish(handle, failure);
          if (winner === attempt) return subscriber.error(failure);
          if (winner !== undefined || stopped) return;
          // another attempt of the race is still running: it may yet answer
          if (live.size > 0) return;
          clearHedge();
          retryOrFail(failure);
        },
        complete: () => {
          removeLive(attempt);
          // an upstream that reported no usage: the caller still gets one, counted and flagged
          const unreported = handle.record.usage === undefined;
          const usage = runner.countedUsage(handle);
          runner.finish(handle);
          // an attempt that finishes without content (an empty answer) still answers
          if (winner === undefined) commit(attempt);
          if (winner !== attempt) return;
          if (unreported && usage !== undefined) subscriber.next({ usage });
          subscriber.complete();
        },
      });
    };

    const armHedge = (planned: PlannedAttempt<RouteTarget>) => {
      if (!hedging || planned.kind === 'hedge' || hedgeTimer !== undefined) return;
      const delayMs = runner.hedgeDelayMs(planned.target);
      if (delayMs === undefined) return;
      hedgeTimer = setTimeout(() => {
        hedgeTimer = undefined;
        if (stopped || winner !== undefined || live.size === 0) return;
        const hedge = plan.hedge();
        if (hedge === undefined) return;
        const handle = runner.beginNow(hedge);
        // the provider is at its concurrency limit: no hedge, and the breaker slot goes back
        if (handle === undefined) runner.resilience.release(hedge.target.deployment.name);
        else launch(hedge, handle);
      }, delayMs);
    };

    const retryOrFail = (failure: GatewayError) => {
      const next = plan.next(failure);
      if (!next) return subscriber.error(failure);
      sleep(next.delayMs, context.signal).then(
        () => !stopped && start(next),
        (abort: unknown) => subscriber.error(toGatewayError(abort, context.signal)),
      );
    };

    const start = (planned: PlannedAttempt<RouteTarget>) => {
      const ready = (handle: AttemptHandle) => {
        if (stopped) return runner.finish(handle, GatewayError.aborted());
        launch(planned, handle);
        armHedge(planned);
      };
      // the common case starts synchronously; only a full bulkhead makes the attempt wait
      const handle = runner.beginNow(planned);
      if (handle !== undefined) return ready(handle);
      runner.begin(planned, context.signal).then(ready, (error: unknown) => {
        if (!stopped) retryOrFail(toGatewayError(error, context.signal));
      });
    };

    start(plan.first());
    return () => {
      stopped = true;
      clearHedge();
      for (const attempt of [...live]) abandon(attempt, false);
    };
  });
}

/** A chunk that says no more than the opener (a provider's role-only first chunk). */
function isOpenerOnly(chunk: ChatChunk): boolean {
  const delta = chunk.delta;
  return (
    delta !== undefined &&
    !delta.content &&
    !delta.toolCalls?.length &&
    !delta.refusal &&
    !chunk.finishReason &&
    !chunk.usage
  );
}

/** A chunk the caller would see: once one is sent, the attempt can no longer be replaced. */
function commitsStream(chunk: ChatChunk): boolean {
  const delta = chunk.delta;
  return Boolean(
    (delta && (delta.content || delta.toolCalls?.length || delta.refusal)) ||
    chunk.finishReason ||
    chunk.usage,
  );
}
