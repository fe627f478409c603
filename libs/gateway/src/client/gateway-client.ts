import { defer, Observable, type Subscription } from 'rxjs';
import {
  GatewayError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import type { ResolvedRoute, Router, RouteTarget } from '../routing/router';
import { AttemptPlan, type PlannedAttempt } from './attempt-plan';

/**
 * The LlmClient the application injects: resolves the caller's model name to a route and runs the
 * attempts of its fallback chain against the provider clients. A stream starts with an opener
 * chunk (assistant role, empty content) as soon as the first attempt's upstream stream opens; it
 * then fails over invisibly until its first content is committed to the caller; after that a
 * failure ends it with the error.
 */
export class GatewayClient implements LlmClient {
  constructor(
    private readonly router: Router,
    private readonly providers: ReadonlyMap<string, LlmClient>,
  ) {}

  async complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const route = this.resolve(request, context);
    const plan = new AttemptPlan(route, context.deadline);
    let attempt: PlannedAttempt | undefined = plan.first();
    for (;;) {
      if (attempt.delayMs > 0) await sleep(attempt.delayMs, context.signal);
      else if (context.signal.aborted) throw GatewayError.aborted();
      const started = this.begin(attempt.target, context);
      try {
        return await this.providerFor(attempt.target).complete(
          { ...request, model: attempt.target.deployment.model },
          context,
        );
      } catch (error) {
        const failure = toGatewayError(error, context);
        attempt = plan.next(failure);
        if (!attempt) throw failure;
      } finally {
        context.meta.upstreamMs += Date.now() - started;
      }
    }
  }

  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    return new Observable<ChatChunk>((subscriber) => {
      let current: Subscription | undefined;
      let stopped = false;
      let committed = false;
      let opened = false;
      let route: ResolvedRoute;
      try {
        route = this.resolve(request, context);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      const plan = new AttemptPlan(route, context.deadline);
      let settleCurrent: (() => void) | undefined;

      const run = (attempt: PlannedAttempt) => {
        const held: ChatChunk[] = [];
        const started = this.begin(attempt.target, context);
        let upstreamCounted = false;
        const settle = () => {
          if (!upstreamCounted) context.meta.upstreamMs += Date.now() - started;
          upstreamCounted = true;
        };
        settleCurrent = settle;
        // defer: a provider that throws while starting fails this attempt like any other error
        current = defer(() =>
          this.providerFor(attempt.target).stream(
            { ...request, model: attempt.target.deployment.model },
            context,
          ),
        ).subscribe({
          next: (chunk) => {
            if (committed) return subscriber.next(chunk);
            if (!opened) {
              // the stream is open upstream: answer the caller's first byte now with an opener
              // that is the same whichever attempt ends up answering
              opened = true;
              subscriber.next(STREAM_OPENER);
            }
            if (isOpenerOnly(chunk)) return;
            held.push(chunk);
            if (!commitsStream(chunk)) return;
            committed = true;
            context.meta.ttftMs = Date.now() - context.startedAt;
            for (const heldChunk of held.splice(0)) subscriber.next(heldChunk);
          },
          error: (error: unknown) => {
            settle();
            const failure = toGatewayError(error, context);
            const next = committed || stopped ? undefined : plan.next(failure);
            if (!next) return subscriber.error(failure);
            sleep(next.delayMs, context.signal).then(
              () => !stopped && run(next),
              (abort: unknown) => subscriber.error(toGatewayError(abort, context)),
            );
          },
          complete: () => {
            settle();
            for (const heldChunk of held.splice(0)) subscriber.next(heldChunk);
            subscriber.complete();
          },
        });
      };

      run(plan.first());
      return () => {
        stopped = true;
        settleCurrent?.();
        current?.unsubscribe();
      };
    });
  }

  private resolve(request: ChatRequest, context: RequestContext): ResolvedRoute {
    const route = this.router.resolve(request.model);
    context.meta.route = route.name;
    return route;
  }

  private begin(target: RouteTarget, context: RequestContext): number {
    context.meta.attempts++;
    context.meta.deployment = target.deployment.name;
    context.meta.provider = target.deployment.provider;
    return Date.now();
  }

  private providerFor(target: RouteTarget): LlmClient {
    const client = this.providers.get(target.deployment.provider);
    if (!client)
      throw GatewayError.internal(`No client for provider ${target.deployment.provider}`);
    return client;
  }
}

/** The first chunk of every stream, sent as soon as an attempt's upstream stream opens. */
const STREAM_OPENER: ChatChunk = { delta: { role: 'assistant', content: '' } };

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

function toGatewayError(error: unknown, context: RequestContext): GatewayError {
  if (error instanceof GatewayError) return error;
  if (context.signal.aborted) return GatewayError.aborted();
  return GatewayError.internal();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(GatewayError.aborted());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(GatewayError.aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
