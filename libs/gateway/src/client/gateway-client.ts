import { defer, Observable } from 'rxjs';
import {
  GatewayError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import { AttemptPlan, type ResilienceRegistry } from '@app/resilience';
import { DEFAULT_QUALITY } from '../config/config.defaults';
import type { QualityConfig } from '../config/config.types';
import type { ResolvedRoute, Router } from '../routing/router';
import type { ContextStep } from '../context/context-step';
import {
  checkResponse,
  enforcesSchema,
  StreamAccumulator,
  type OutputCheck,
} from '../quality/output-checks';
import { repairRequest, schemaMismatchError } from '../quality/schema-repair';
import { SchemaValidator } from '../quality/schema-validator';
import { AttemptRunner } from './attempt-runner';
import { completeAlongRoute } from './complete-execution';
import { streamAlongRoute } from './stream-execution';

/** one cache of compiled response schemas for the process */
const SCHEMA_VALIDATOR = new SchemaValidator();

/**
 * The LlmClient the application injects: resolves the caller's model name to a route, sets the
 * request's deadline (the route's `timeoutMs` can only shorten the caller's), and runs the route's
 * attempts (retries, fallbacks, hedges, under breakers, retry budgets and bulkheads) against the
 * provider clients, each attempt's messages fitted to its deployment's window (`ContextStep`).
 *
 * Every answer is checked (paper 7.3) into `meta.quality`: empty, truncated, refusal, and with a
 * JSON `response_format` validated against it. A non-streamed answer that fails its json_schema is
 * sent back for repair along the same route (the route's `quality.schemaRepairs` times); one that
 * still fails is a 502 `output_schema_mismatch` or goes out flagged (`quality.onSchemaFailure`).
 * A stream passes through untouched and is checked when it ends: it was already sent, so it is
 * never repaired, and an invalid one ends with the error instead of completing (or completes
 * flagged). A json_object answer that is not a JSON object is reported only.
 */
export class GatewayClient implements LlmClient {
  constructor(
    private readonly router: Router,
    private readonly providers: ReadonlyMap<string, LlmClient>,
    private readonly resilience: ResilienceRegistry,
    private readonly random: () => number = Math.random,
    private readonly contextStep?: ContextStep,
    private readonly validator: SchemaValidator = SCHEMA_VALIDATOR,
  ) {}

  async complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    const route = this.resolve(request, context);
    const policy = route.quality ?? DEFAULT_QUALITY;
    let response = await this.completeOn(route, context, request);
    let check = checkResponse(response, request, this.validator);
    const enforced = enforcesSchema(request.responseFormat);
    let repairs = 0;
    let repairFailure: GatewayError | undefined;
    while (enforced && check.schemaErrors !== undefined && repairs < policy.schemaRepairs) {
      repairs += 1;
      const repair = repairRequest(request, response.message.content ?? '', check.schemaErrors, {
        truncated: check.report.truncated,
      });
      try {
        // a request of its own along the route: its attempts are counted and billed with the rest
        response = await this.completeOn(route, context, repair);
      } catch (error) {
        // the caller went away: nothing to answer; any other failure leaves the invalid answer
        if (!(error instanceof GatewayError) || isCancellation(error, context)) throw error;
        repairFailure = error;
        break;
      }
      check = checkResponse(response, request, this.validator);
    }
    context.meta.finishReason = response.finishReason;
    const failure = this.settleQuality(check, repairs, policy, request, context, repairFailure);
    if (failure !== undefined) throw failure;
    return response;
  }

  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    // defer: resolving (a 404 for an unknown model) happens on subscribe, like every attempt
    return defer(() => {
      const route = this.resolve(request, context);
      const chunks = streamAlongRoute(
        this.runner(route, context),
        this.plan(route, context),
        request,
      );
      return this.checkedStream(chunks, request, route.quality ?? DEFAULT_QUALITY, context);
    });
  }

  /**
   * The chunks as they come (none held back), followed as they pass; when the stream completes,
   * its checks go to `meta.quality`, and an answer that fails its format on an `error` route ends
   * the stream with the 502 instead of completing it (the caller gets an error event, no `[DONE]`).
   */
  private checkedStream(
    chunks: Observable<ChatChunk>,
    request: ChatRequest,
    policy: QualityConfig,
    context: RequestContext,
  ): Observable<ChatChunk> {
    return new Observable<ChatChunk>((subscriber) => {
      const output = new StreamAccumulator(request);
      const subscription = chunks.subscribe({
        next: (chunk) => {
          output.add(chunk);
          if (chunk.finishReason !== undefined) context.meta.finishReason = chunk.finishReason;
          subscriber.next(chunk);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const failure = this.settleQuality(
            output.check(this.validator),
            0,
            policy,
            request,
            context,
          );
          if (failure !== undefined) subscriber.error(failure);
          else subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
  }

  /**
   * Records the final checks in `meta.quality` (after repairs: `schema: repaired`, `repairs: n`)
   * and applies the route's policy to an answer that still fails: returns the 502 to fail the
   * request with (`error`), or flags the answer (`flag`).
   */
  private settleQuality(
    check: OutputCheck,
    repairs: number,
    policy: QualityConfig,
    request: ChatRequest,
    context: RequestContext,
    repairFailure?: GatewayError,
  ): GatewayError | undefined {
    const { report, schemaErrors } = check;
    if (repairs > 0) {
      report.repairs = repairs;
      if (report.schema === 'valid') report.schema = 'repaired';
    }
    context.meta.quality = report;
    if (schemaErrors === undefined || !enforcesSchema(request.responseFormat)) return undefined;
    if (policy.onSchemaFailure === 'flag') {
      report.flagged = true;
      return undefined;
    }
    return schemaMismatchError(request.responseFormat, schemaErrors, repairs, repairFailure);
  }

  private completeOn(
    route: ResolvedRoute,
    context: RequestContext,
    request: ChatRequest,
  ): Promise<ChatResponse> {
    return completeAlongRoute(this.runner(route, context), this.plan(route, context), request);
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

function isCancellation(error: GatewayError, context: RequestContext): boolean {
  return context.signal.aborted || error.code === 'client_closed_request';
}
