import {
  GatewayError,
  type AttemptRecord,
  type AttemptTrace,
  type AttemptUpstream,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
  type RequestContext,
  type Usage,
} from '@app/core';
import { isDeploymentFailure, type PlannedAttempt, type ResilienceRegistry } from '@app/resilience';
import { consumedTokens, chunkText, UsageMeter } from '../billing/usage-meter';
import type { ContextStep } from '../context/context-step';
import type { ResolvedRoute, RouteTarget } from '../routing/router';

/**
 * What every attempt of a request shares, whichever way it runs (complete or stream, hedged or
 * not): the provider clients, the resilience state, the request's meta record. One per request.
 */
export class AttemptRunner {
  constructor(
    readonly route: ResolvedRoute,
    readonly context: RequestContext,
    private readonly providers: ReadonlyMap<string, LlmClient>,
    readonly resilience: ResilienceRegistry,
    private readonly contextStep?: ContextStep,
    private readonly meter: UsageMeter = DEFAULT_METER,
  ) {}

  /**
   * The request as a target takes it: its deployment's model, and the messages fitted to its
   * context window (per attempt, so a fallback to a smaller window is handled). Synchronous
   * unless a context policy has work to do.
   * @throws GatewayError 400 `context_length_exceeded` when the route's policy cannot make it fit
   */
  prepare(
    request: ChatRequest,
    target: RouteTarget,
    signal: AbortSignal,
  ): ChatRequest | Promise<ChatRequest> {
    const forDeployment = forTarget(request, target);
    if (this.contextStep === undefined || target.limits === undefined) return forDeployment;
    return this.contextStep.fit(forDeployment, this.route, target, this.context, signal);
  }

  /** The provider client of a target. @throws GatewayError 500 when none was built (a bug) */
  client(target: RouteTarget): LlmClient {
    const client = this.providers.get(target.deployment.provider);
    if (!client)
      throw GatewayError.internal(`No client for provider ${target.deployment.provider}`);
    return client;
  }

  /**
   * Starts an attempt's bookkeeping: meta (attempt count, the deployment answering so far,
   * fallback), the attempt log, and its slot in the provider's bulkhead (waiting in its queue when
   * full). Returns the attempt's handle; `finish` must be called exactly once.
   * @throws GatewayError 503 `provider_busy` when the queue is full or the wait times out
   */
  async begin(planned: PlannedAttempt<RouteTarget>, signal: AbortSignal): Promise<AttemptHandle> {
    const handle = this.open(planned);
    const bulkhead = this.resilience.bulkhead(planned.target.deployment.provider);
    if (bulkhead === undefined || bulkhead.tryAcquire()) {
      handle.holdsSlot = bulkhead !== undefined;
      return handle;
    }
    try {
      await bulkhead.acquire(signal);
      handle.holdsSlot = true;
      return handle;
    } catch (error) {
      const failure = toGatewayError(error, signal);
      this.finish(handle, failure);
      throw failure;
    }
  }

  /** Like `begin` for callers that cannot wait: undefined when the bulkhead has no free slot. */
  beginNow(planned: PlannedAttempt<RouteTarget>): AttemptHandle | undefined {
    const bulkhead = this.resilience.bulkhead(planned.target.deployment.provider);
    if (bulkhead !== undefined && !bulkhead.tryAcquire()) return undefined;
    const handle = this.open(planned);
    handle.holdsSlot = bulkhead !== undefined;
    return handle;
  }

  /**
   * Ends an attempt: success (`error` undefined), failure, cancellation or loss to a hedge. Reports
   * to the breaker (only deployment failures count against it), frees the bulkhead slot and
   * completes the attempt's log record.
   */
  finish(handle: AttemptHandle, error?: GatewayError, usage?: Usage, lost = false): void {
    if (handle.finished) return;
    handle.finished = true;
    const { deployment } = handle.planned.target;
    const ms = Date.now() - handle.startedAt;
    const record = handle.record;
    record.ms = ms;
    if (usage !== undefined) this.meter.bill(record, usage, handle.planned.target.pricing);
    else if (record.usage === undefined) this.billUnreported(handle, error, lost);
    if (error === undefined && !lost) {
      record.outcome = 'ok';
      this.resilience.settle(deployment.name, 'success', ms);
    } else if (lost) {
      record.outcome = 'lost';
      this.resilience.settle(deployment.name, 'none');
    } else if (error !== undefined && isDeploymentFailure(error)) {
      record.outcome = 'failed';
      record.code = error.code;
      this.resilience.settle(deployment.name, 'failure');
    } else {
      record.outcome = error?.code === 'client_closed_request' ? 'cancelled' : 'failed';
      if (error !== undefined) record.code = error.code;
      this.resilience.settle(deployment.name, 'none');
    }
    if (handle.holdsSlot) {
      handle.holdsSlot = false;
      this.resilience.bulkhead(deployment.provider)?.release();
    }
    handle.trace?.end(record, error);
  }

  /**
   * The context an attempt's provider call runs with: the request's, with the attempt's own
   * signal (hedged attempts) and the attempt span's traceparent (tracing on). Sequential attempts
   * share the request's context object; only a hedged attempt needs its own.
   */
  attemptContext(handle: AttemptHandle, signal?: AbortSignal): RequestContext {
    const traceparent = handle.trace?.traceparent;
    if (signal === undefined) {
      if (traceparent !== undefined) this.context.traceparent = traceparent;
      return this.context;
    }
    const context: RequestContext = { ...this.context, signal };
    if (traceparent !== undefined) context.traceparent = traceparent;
    return context;
  }

  /** The attempt's request as it goes upstream (fitted, with the deployment's model). */
  sent(handle: AttemptHandle, request: ChatRequest): void {
    handle.request = request;
  }

  /**
   * A stream chunk of the attempt: its text is kept for counting, its usage report (the provider's)
   * billed at once, so the request's cost is known when the caller's usage chunk goes out.
   */
  received(handle: AttemptHandle, chunk: ChatChunk): void {
    handle.opened = true;
    const text = chunkText(chunk);
    if (text.length > 0) handle.output += text;
    if (chunk.finishReason !== undefined) handle.record.finishReason = chunk.finishReason;
    if (chunk.usage !== undefined) {
      this.meter.bill(handle.record, chunk.usage, handle.planned.target.pricing);
    }
  }

  /**
   * The usage of a stream that ended without the provider's report: counted, flagged `estimated`,
   * and billed (undefined when the attempt's request was never sent).
   */
  countedUsage(handle: AttemptHandle): Usage | undefined {
    if (handle.record.usage !== undefined) return handle.record.usage;
    if (handle.request === undefined) return undefined;
    const usage = this.meter.estimate(handle.request, handle.output);
    this.meter.bill(handle.record, usage, handle.planned.target.pricing);
    return usage;
  }

  /** Ends a non-streaming attempt that answered: its usage (counted when unreported) and finish. */
  finishAnswered(handle: AttemptHandle, response: ChatResponse, lost = false): void {
    handle.record.finishReason = response.finishReason;
    const usage =
      handle.request === undefined
        ? response.usage
        : this.meter.responseUsage(handle.request, response);
    if (handle.finished) {
      // an answer that arrived after the race was decided: what it really used replaces the count
      this.meter.bill(handle.record, usage, handle.planned.target.pricing);
      return;
    }
    // the caller sees the counted usage, not the zeros of a response that reported none
    response.usage = usage;
    this.finish(handle, undefined, usage, lost);
  }

  /** The attempt that answered: the headers and log line name its deployment. */
  answeredBy(handle: AttemptHandle): void {
    const { meta } = this.context;
    const { deployment } = handle.planned.target;
    meta.deployment = deployment.name;
    meta.provider = deployment.provider;
    meta.fallback = handle.planned.target !== this.route.targets[0];
  }

  /** An attempt that ended without a usage report: counted when it consumed tokens anyway. */
  private billUnreported(handle: AttemptHandle, error: GatewayError | undefined, lost: boolean) {
    if (handle.request === undefined) return;
    if (!consumedTokens(handle.opened, error, lost)) return;
    // an attempt given up before its stream opened read its prompt but wrote nothing we saw
    const usage = this.meter.estimate(handle.request, handle.output);
    this.meter.bill(handle.record, usage, handle.planned.target.pricing);
  }

  /** The hedge delay of this route for a target, or undefined for no hedge (yet). */
  hedgeDelayMs(target: RouteTarget): number | undefined {
    const hedge = this.route.hedge;
    if (hedge === undefined) return undefined;
    if (hedge.afterMs !== undefined) return hedge.afterMs;
    if (hedge.percentile === undefined) return undefined;
    const latency = this.resilience.latencyPercentile(target.deployment.name, hedge.percentile);
    if (latency === undefined) return undefined;
    return Math.min(hedge.maxMs, Math.max(hedge.minMs, Math.round(latency)));
  }

  private open(planned: PlannedAttempt<RouteTarget>): AttemptHandle {
    const { meta } = this.context;
    const { deployment } = planned.target;
    meta.attempts += 1;
    // until an attempt answers, headers and logs name the latest one
    meta.deployment = deployment.name;
    meta.provider = deployment.provider;
    if (planned.kind === 'hedge') meta.hedged = true;
    const record: AttemptRecord = {
      deployment: deployment.name,
      provider: deployment.provider,
      kind: planned.kind,
      outcome: 'failed',
      startedAt: Date.now(),
      ms: 0,
    };
    (meta.attemptLog ??= []).push(record);
    const handle: AttemptHandle = {
      planned,
      startedAt: record.startedAt,
      record,
      holdsSlot: false,
      finished: false,
      opened: false,
      output: '',
    };
    const trace = this.context.trace;
    if (trace !== undefined) {
      const upstream: AttemptUpstream = {
        model: deployment.model,
        providerType: planned.target.providerType,
      };
      if (deployment.region !== undefined) upstream.region = deployment.region;
      handle.trace = trace.startAttempt(record, upstream);
    }
    return handle;
  }
}

/** One running attempt. */
export interface AttemptHandle {
  planned: PlannedAttempt<RouteTarget>;
  startedAt: number;
  record: AttemptRecord;
  holdsSlot: boolean;
  finished: boolean;
  /** its span, when the request is traced */
  trace?: AttemptTrace;
  /** the request as sent upstream (unset until it is) */
  request?: ChatRequest;
  /** streams: a chunk came from the upstream */
  opened: boolean;
  /** streams: the output text received so far (counted when the upstream reports no usage) */
  output: string;
}

const DEFAULT_METER = new UsageMeter();

/** An unknown failure becomes a 500 (or the caller's cancellation when the signal says so). */
export function toGatewayError(error: unknown, signal: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal.aborted) return GatewayError.aborted();
  return GatewayError.internal();
}

/**
 * An AbortController that aborts with its parent: each attempt of a hedged race gets one, so the
 * loser can be aborted alone. `dispose` detaches it from the parent.
 */
export function childController(parent: AbortSignal): {
  controller: AbortController;
  dispose: () => void;
} {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort();
    return { controller, dispose: () => undefined };
  }
  const onAbort = () => controller.abort();
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/** Waits `ms` unless the signal aborts first (then rejects with the caller's cancellation). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** The request as the target's deployment takes it. */
export function forTarget(request: ChatRequest, target: RouteTarget): ChatRequest {
  return { ...request, model: target.deployment.model };
}
