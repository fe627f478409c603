import type { IncomingHttpHeaders } from 'node:http';
import {
  defaultTextMapGetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  formatUsd,
  requestBill,
  type AttemptRecord,
  type AttemptTrace,
  type AttemptUpstream,
  type GatewayError,
  type RequestContext,
  type RequestTrace,
  type Usage,
} from '@app/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  GATEWAY_ATTR,
  GATEWAY_EVENT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  genAiProviderName,
} from './semconv';

/** What the tracer knows of a deployment from the config (for attributes the attempt lacks). */
export interface DeploymentTraceInfo {
  /** the model the deployment serves (the request span's `gen_ai.response.model`) */
  model: string;
  /** host and port of the provider's configured base URL (`server.address`, `server.port`) */
  serverAddress?: string;
  serverPort?: number;
}

/** A request as it ended (the app's `FinishedRequest` has this shape). */
export interface TracedRequestEnd {
  context: RequestContext;
  method: string;
  /** the URL path without its query */
  path: string;
  status: number;
  /** milliseconds from receipt to the end of the response */
  latencyMs: number;
  /** a probe or metrics scrape: never traced */
  probe: boolean;
}

export interface GatewayTracerOptions {
  /** by deployment name */
  deployments?: ReadonlyMap<string, DeploymentTraceInfo>;
}

const NO_DEPLOYMENTS: ReadonlyMap<string, DeploymentTraceInfo> = new Map();

/**
 * The gateway's spans, per the OpenTelemetry GenAI semantic conventions: one SERVER span per API
 * request (continuing the caller's W3C trace context) and one CLIENT child span `chat {model}` per
 * upstream attempt. Spans are parented explicitly (no context manager). Only ids, names, counts,
 * codes and timings go on spans: never message content, keys, headers or user ids.
 *
 * Exists only when tracing is on; with tracing off nothing calls it, so it costs nothing.
 */
export class GatewayTracer {
  /** @internal */
  readonly deployments: ReadonlyMap<string, DeploymentTraceInfo>;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(
    /** @internal */
    readonly tracer: Tracer,
    options: GatewayTracerOptions = {},
  ) {
    this.deployments = options.deployments ?? NO_DEPLOYMENTS;
  }

  /**
   * A request arrived: `context.trace` is set. Cheap: the caller's `traceparent` is only parsed and
   * the request span only started when the request makes its first upstream attempt or ends (so
   * probes, which make none and are skipped at the end, never get a span).
   */
  start(context: RequestContext, headers: IncomingHttpHeaders): void {
    context.trace = new TracedRequest(this, context, headers);
  }

  /** A request ended: its span gets the outcome and ends (probes and untraced requests: nothing). */
  finish(finished: TracedRequestEnd): void {
    if (finished.probe) return;
    const traced = finished.context.trace;
    if (traced instanceof TracedRequest && traced.tracer === this) traced.finish(finished);
  }

  /** @internal the caller's trace context from the request headers (root when none or invalid) */
  parentContext(headers: IncomingHttpHeaders): Context {
    if (headers.traceparent === undefined) return ROOT_CONTEXT;
    return this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }
}

/** The trace of one request: its SERVER span, started lazily, and the attempts' CLIENT spans. */
class TracedRequest implements RequestTrace {
  private span?: Span;
  private parent?: Context;

  constructor(
    readonly tracer: GatewayTracer,
    private readonly context: RequestContext,
    private headers: IncomingHttpHeaders | undefined,
  ) {}

  startAttempt(record: AttemptRecord, upstream: AttemptUpstream): AttemptTrace {
    const parent = this.parentOfAttempts();
    const server = this.tracer.deployments.get(record.deployment);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [ATTR_GEN_AI_PROVIDER_NAME]: genAiProviderName(upstream.providerType),
      [ATTR_GEN_AI_REQUEST_MODEL]: upstream.model,
      [GATEWAY_ATTR.deployment]: record.deployment,
      [GATEWAY_ATTR.provider]: record.provider,
      [GATEWAY_ATTR.attemptKind]: record.kind,
    };
    if (server?.serverAddress !== undefined) {
      attributes[ATTR_SERVER_ADDRESS] = server.serverAddress;
      if (server.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = server.serverPort;
    }
    if (upstream.region !== undefined) attributes[GATEWAY_ATTR.region] = upstream.region;
    const span = this.tracer.tracer.startSpan(
      `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${upstream.model}`,
      { kind: SpanKind.CLIENT, startTime: record.startedAt, attributes },
      parent,
    );
    return new AttemptSpan(span);
  }

  finish(finished: TracedRequestEnd): void {
    const span = this.requestSpan();
    const end = this.context.startedAt + finished.latencyMs;
    if (!span.isRecording()) {
      span.end(end);
      return;
    }
    const { context, status } = finished;
    const { meta } = context;
    const route = meta.route;
    span.updateName(route === undefined ? finished.method : `chat ${route}`);
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: finished.method,
      [ATTR_URL_PATH]: finished.path,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      [GATEWAY_ATTR.requestId]: context.requestId,
    };
    if (context.tenant !== undefined) attributes[GATEWAY_ATTR.tenant] = context.tenant.id;
    if (route !== undefined) {
      attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_CHAT;
      // the route the caller named (gateway.route would repeat it)
      attributes[ATTR_GEN_AI_REQUEST_MODEL] = route;
    }
    if (meta.deployment !== undefined) {
      attributes[GATEWAY_ATTR.deployment] = meta.deployment;
      const model = this.tracer.deployments.get(meta.deployment)?.model;
      if (model !== undefined && meta.attempts > 0) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = model;
    }
    if (meta.attempts > 0) {
      attributes[GATEWAY_ATTR.attempts] = meta.attempts;
      // set only when true: every attribute is paid for on each span, set and exported
      if (meta.fallback === true) attributes[GATEWAY_ATTR.fallback] = true;
      if (meta.hedged === true) attributes[GATEWAY_ATTR.hedged] = true;
    }
    if (meta.usage !== undefined) setUsage(attributes, meta.usage);
    if (meta.finishReason !== undefined) {
      attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [meta.finishReason];
    }
    if (meta.streamOutcome !== undefined)
      attributes[GATEWAY_ATTR.streamOutcome] = meta.streamOutcome;
    if (meta.ttftMs !== undefined) attributes[GATEWAY_ATTR.ttftMs] = meta.ttftMs;
    setBill(attributes, context);
    const streamFailed = meta.streamOutcome === 'cut' || meta.streamOutcome === 'error';
    if (status >= 400 || streamFailed) {
      attributes[ATTR_ERROR_TYPE] =
        meta.errorCode ?? (status >= 400 ? String(status) : `stream_${meta.streamOutcome}`);
    }
    span.setAttributes(attributes);
    // a server span is an error for its 5xx answers and broken streams; a 4xx is the caller's
    if (status >= 500 || streamFailed) span.setStatus({ code: SpanStatusCode.ERROR });
    for (const record of meta.attemptLog ?? []) {
      if (record.kind === 'first') continue;
      span.addEvent(
        GATEWAY_EVENT[record.kind],
        { [GATEWAY_ATTR.deployment]: record.deployment },
        record.startedAt,
      );
    }
    span.end(end);
  }

  /** the request span (started at the request's start time on first use) */
  private requestSpan(): Span {
    if (this.span !== undefined) return this.span;
    const parent =
      this.headers === undefined ? ROOT_CONTEXT : this.tracer.parentContext(this.headers);
    this.headers = undefined;
    const route = this.context.meta.route;
    this.span = this.tracer.tracer.startSpan(
      route === undefined ? 'request' : `chat ${route}`,
      { kind: SpanKind.SERVER, startTime: this.context.startedAt },
      parent,
    );
    return this.span;
  }

  private parentOfAttempts(): Context {
    if (this.parent === undefined) this.parent = trace.setSpan(ROOT_CONTEXT, this.requestSpan());
    return this.parent;
  }
}

/** The CLIENT span of one upstream attempt. */
class AttemptSpan implements AttemptTrace {
  readonly traceparent: string;

  constructor(private readonly span: Span) {
    this.traceparent = traceparentOf(span);
  }

  end(record: AttemptRecord, error?: GatewayError): void {
    const span = this.span;
    const end = record.startedAt + record.ms;
    if (!span.isRecording()) {
      span.end(end);
      return;
    }
    const attributes: Attributes = { [GATEWAY_ATTR.attemptOutcome]: record.outcome };
    if (record.usage !== undefined) {
      setUsage(attributes, record.usage);
      if (record.usage.estimated) attributes[GATEWAY_ATTR.usageEstimated] = true;
    }
    if (record.costNanoUsd !== undefined) {
      attributes[GATEWAY_ATTR.costUsd] = formatUsd(record.costNanoUsd);
    }
    if (record.finishReason !== undefined) {
      attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [record.finishReason];
    }
    const code = record.code ?? error?.code;
    if (record.outcome === 'failed' || record.outcome === 'cancelled') {
      attributes[ATTR_ERROR_TYPE] = code ?? '_OTHER';
    }
    span.setAttributes(attributes);
    // the code only: an upstream's error message may quote the request
    if (record.outcome === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    span.end(end);
  }
}

/** W3C `traceparent` of a span; empty when its context is invalid (a no-op tracer's spans). */
export function traceparentOf(span: Span): string {
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return '';
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

function setUsage(attributes: Attributes, usage: Usage): void {
  attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
  attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
  if (usage.cachedInputTokens) {
    attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cachedInputTokens;
  }
  if (usage.cacheWriteTokens) {
    attributes[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWriteTokens;
  }
  if (usage.reasoningTokens) {
    attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoningTokens;
  }
}

/**
 * What the request consumed over all its attempts (failed, lost and sub-requests included) and
 * its cost: `0` when no attempt consumed tokens, none when one of them had no price. The billed
 * tokens are set only when they differ from the answer's, `estimated` only when true.
 */
function setBill(attributes: Attributes, context: RequestContext): void {
  if (context.meta.attempts === 0) return;
  const bill = requestBill(context.meta);
  if (bill === undefined) {
    attributes[GATEWAY_ATTR.costUsd] = '0';
    return;
  }
  // the billed tokens only where they differ from the answer's (the common single attempt: not)
  const usage = context.meta.usage;
  const same =
    usage !== undefined &&
    bill.usage.inputTokens === usage.inputTokens &&
    bill.usage.outputTokens === usage.outputTokens;
  if (!same) {
    attributes[GATEWAY_ATTR.billedInputTokens] = bill.usage.inputTokens;
    attributes[GATEWAY_ATTR.billedOutputTokens] = bill.usage.outputTokens;
  }
  if (bill.estimated) attributes[GATEWAY_ATTR.billedEstimated] = true;
  if (bill.priced) attributes[GATEWAY_ATTR.costUsd] = formatUsd(bill.costNanoUsd);
}
