import { defer, type Observable } from 'rxjs';
import type { ChatChunk, ChatRequest, ChatResponse, LlmClient, RequestContext } from '@app/core';
import { AttemptPlan, type ResilienceRegistry } from '@app/resilience';
import type { ResolvedRoute, Router } from '../routing/router';
import type { ContextStep } from '../context/context-step';
import { AttemptRunner } from './attempt-runner';
import { completeAlongRoute } from './complete-execution';
import { streamAlongRoute } from './stream-execution';

/**
 * The LlmClient the application injects: resolves the caller's model name to a route, sets the
 * request's deadline (the route's `timeoutMs` can only shorten the caller's), and runs the route's
 * attempts (retries, fallbacks, hedges, under breakers, retry budgets and bulkheads) against the
 * provider clients, each attempt's messages fitted to its deployment's window (`ContextStep`).
 */
export class GatewayClient implements LlmClient {
  constructor(
    private readonly router: Router,
    private readonly providers: ReadonlyMap<string, LlmClient>,
    private readonly resilience: ResilienceRegistry,
    private readonly random: () => number = Math.random,
    private readonly contextStep?: ContextStep,
  ) {}

  async complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const route = this.resolve(request, context);
    return completeAlongRoute(this.runner(route, context), this.plan(route, context), request);
  }

  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    // defer: resolving (a 404 for an unknown model) happens on subscribe, like every attempt
    return defer(() => {
      const route = this.resolve(request, context);
      return streamAlongRoute(this.runner(route, context), this.plan(route, context), request);
    });
  }

  private resolve(request: ChatRequest, context: RequestContext): ResolvedRoute {
    const route = this.router.resolve(request.model);
    context.meta.route = route.name;
    if (route.timeoutMs !== undefined) {
      const routeDeadline = context.startedAt + route.timeoutMs;
      if (context.deadline === undefined || routeDeadline < context.deadline) {
        context.deadline = routeDeadline;
      }
    }
    return route;
  }

  private runner(route: ResolvedRoute, context: RequestContext): AttemptRunner {
    return new AttemptRunner(route, context, this.providers, this.resilience, this.contextStep);
  }

  private plan(route: ResolvedRoute, context: RequestContext) {
    return new AttemptPlan(route, context.deadline, this.resilience, this.random);
  }
}
