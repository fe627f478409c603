import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import {
  createRequestContext,
  GatewayError,
  makeUsage,
  type AttemptRecord,
  type RequestContext,
} from '@app/core';
import { GatewayTracer, type TracedRequestEnd } from './gateway-tracer';
import { createTracing, type Tracing } from './tracing-sdk';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

const ms = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6;

describe('GatewayTracer', () => {
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;
  let tracer: GatewayTracer;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = createTracing({ serviceName: 'test', exporter, processor: 'simple' });
    tracer = new GatewayTracer(tracing.tracer, {
      deployments: new Map([
        ['gpt@oa', { model: 'gpt-4o-mini', serverAddress: 'api.example.com', serverPort: 8443 }],
        ['claude@an', { model: 'claude-haiku-4-5' }],
      ]),
    });
  });
  afterEach(() => tracing.shutdown());

  const spans = () => exporter.getFinishedSpans();
  const named = (name: string): ReadableSpan => {
    const span = spans().find((s) => s.name === name);
    if (span === undefined) {
      throw new Error(
        `no span ${name} in ${spans()
          .map((s) => s.name)
          .join(', ')}`,
      );
    }
    return span;
  };
  const request = (headers: Record<string, string> = {}): RequestContext => {
    const context = createRequestContext({ requestId: 'req-1', startedAt: T0 });
    tracer.start(context, headers);
    return context;
  };
  const ended = (
    context: RequestContext,
    over: Partial<TracedRequestEnd> = {},
  ): TracedRequestEnd => ({
    context,
    method: 'POST',
    path: '/v1/chat/completions',
    status: 200,
    latencyMs: 500,
    probe: false,
    ...over,
  });
  const record = (over: Partial<AttemptRecord>): AttemptRecord => ({
    deployment: 'gpt@oa',
    provider: 'oa',
    kind: 'first',
    outcome: 'failed',
    startedAt: T0 + 10,
    ms: 0,
    ...over,
  });

  /** a request retried once on gpt@oa, then answered by claude@an */
  function retriedThenFellBack(context: RequestContext) {
    const { meta } = context;
    meta.route = 'support';
    const first = record({ kind: 'first', startedAt: T0 + 10 });
    const retry = record({ kind: 'retry', startedAt: T0 + 100 });
    const fallback = record({
      deployment: 'claude@an',
      provider: 'an',
      kind: 'fallback',
      startedAt: T0 + 200,
    });
    meta.attemptLog = [first, retry, fallback];
    const trace = context.trace!;
    const a = trace.startAttempt(first, { model: 'gpt-4o-mini', providerType: 'openai' });
    Object.assign(first, { ms: 40, code: 'upstream_server_error' });
    a.end(first, GatewayError.internal('boom'));
    const b = trace.startAttempt(retry, { model: 'gpt-4o-mini', providerType: 'openai' });
    Object.assign(retry, { ms: 50, code: 'rate_limited' });
    b.end(retry);
    const c = trace.startAttempt(fallback, {
      model: 'claude-haiku-4-5',
      providerType: 'anthropic',
      region: 'eu',
    });
    Object.assign(fallback, {
      ms: 250,
      outcome: 'ok',
      usage: makeUsage(120, 30, { cachedInputTokens: 20 }),
      costNanoUsd: 123_456,
      finishReason: 'stop',
    });
    c.end(fallback);
    Object.assign(meta, {
      attempts: 3,
      deployment: 'claude@an',
      provider: 'an',
      fallback: true,
      usage: makeUsage(120, 30, { cachedInputTokens: 20 }),
      finishReason: 'stop',
    });
    return { traceparents: [a.traceparent, b.traceparent, c.traceparent] };
  }

  it('continues the caller trace: a SERVER request span and a CLIENT child per attempt', () => {
    const context = request({ traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
    const { traceparents } = retriedThenFellBack(context);
    tracer.finish(ended(context));

    expect(spans()).toHaveLength(4);
    const server = named('chat support');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(TRACE_ID);
    expect(server.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.spanContext().traceState?.get('vendor')).toBe('abc');

    const attempts = spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(attempts.map((s) => s.name)).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat claude-haiku-4-5',
    ]);
    for (const [i, span] of attempts.entries()) {
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      // the traceparent that goes upstream names this very span
      expect(traceparents[i]).toBe(`00-${TRACE_ID}-${span.spanContext().spanId}-01`);
    }
  });

  it('times each span from the records: attempt start and length, request start and latency', () => {
    const context = request();
    retriedThenFellBack(context);
    tracer.finish(ended(context, { latencyMs: 500 }));
    const server = named('chat support');
    expect(ms(server.startTime)).toBe(T0);
    expect(ms(server.endTime)).toBe(T0 + 500);
    const [first, retry, fallback] = spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect([ms(first.startTime), ms(first.endTime)]).toEqual([T0 + 10, T0 + 50]);
    expect([ms(retry.startTime), ms(retry.endTime)]).toEqual([T0 + 100, T0 + 150]);
    expect([ms(fallback.startTime), ms(fallback.endTime)]).toEqual([T0 + 200, T0 + 450]);
  });

  it('puts the GenAI and gateway attributes on the attempt spans', () => {
    const context = request();
    retriedThenFellBack(context);
    const [first, retry, fallback] = spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(first.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': 'api.example.com',
      'server.port': 8443,
      'gateway.deployment': 'gpt@oa',
      'gateway.provider': 'oa',
      'gateway.attempt.kind': 'first',
      'gateway.attempt.outcome': 'failed',
      'error.type': 'upstream_server_error',
    });
    expect(first.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream_server_error' });
    expect(retry.attributes).toMatchObject({
      'gateway.attempt.kind': 'retry',
      'error.type': 'rate_limited',
    });
    expect(fallback.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gateway.deployment': 'claude@an',
      'gateway.provider': 'an',
      'gateway.region': 'eu',
      'gateway.attempt.kind': 'fallback',
      'gateway.attempt.outcome': 'ok',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.response.finish_reasons': ['stop'],
      'gateway.cost_usd': '0.000123456',
    });
    expect(fallback.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('puts the answer, the bill and one event per retry, fallback and hedge on the request span', () => {
    const context = request({ authorization: 'Bearer sk-secret', 'x-api-key': 'sk-other' });
    context.tenant = { id: 'acme', keyId: 'acme-ci' };
    retriedThenFellBack(context);
    const hedge = record({ kind: 'hedge', startedAt: T0 + 300, deployment: 'gpt@oa' });
    context.meta.attemptLog!.push(hedge);
    context.meta.hedged = true;
    context.meta.ttftMs = 42;
    tracer.finish(ended(context));
    const server = named('chat support');
    expect(server.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/v1/chat/completions',
      'http.response.status_code': 200,
      'gateway.request.id': 'req-1',
      'gateway.tenant': 'acme',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'support',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gateway.deployment': 'claude@an',
      'gateway.attempts': 3,
      'gateway.fallback': true,
      'gateway.hedged': true,
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.response.finish_reasons': ['stop'],
      'gateway.ttft_ms': 42,
      // the failed attempts consumed nothing and were priced, so the bill is the answer's (no
      // gateway.billed.* repeating it)
      'gateway.cost_usd': '0.000123456',
    });
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(server.events.map((e) => [e.name, ms(e.time), e.attributes])).toEqual([
      ['gen_ai.gateway.retry', T0 + 100, { 'gateway.deployment': 'gpt@oa' }],
      ['gen_ai.gateway.fallback', T0 + 200, { 'gateway.deployment': 'claude@an' }],
      ['gen_ai.gateway.hedge', T0 + 300, { 'gateway.deployment': 'gpt@oa' }],
    ]);
    // neither the caller's key nor its user id nor any header value is on a span
    const text = JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events]));
    expect(text).not.toContain('sk-');
    expect(text).not.toContain('acme-ci');
  });

  it('marks a failed request: error.type is the error code, ERROR status for a 5xx', () => {
    const context = request();
    context.meta.route = 'support';
    context.meta.attempts = 1;
    const only = record({ ms: 5, code: 'upstream_unavailable' });
    context.meta.attemptLog = [only];
    context.trace!.startAttempt(only, { model: 'gpt-4o-mini', providerType: 'openai' }).end(only);
    context.meta.errorCode = 'upstream_unavailable';
    tracer.finish(ended(context, { status: 503 }));
    const server = named('chat support');
    expect(server.attributes['error.type']).toBe('upstream_unavailable');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('gives a 4xx error.type (the code, else the status) without an ERROR status', () => {
    const context = request();
    tracer.finish(ended(context, { status: 404, path: '/v1/nope' }));
    const [span] = spans();
    // no route, no attempt: an HTTP span named by its method, without GenAI attributes
    expect(span.name).toBe('POST');
    expect(span.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/v1/nope',
      'http.response.status_code': 404,
      'gateway.request.id': 'req-1',
      'error.type': '404',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a stream the upstream cut after a 200 as an error', () => {
    const context = request();
    context.meta.route = 'support';
    context.meta.streamOutcome = 'cut';
    context.meta.errorCode = 'upstream_stream_cut';
    tracer.finish(ended(context));
    const [span] = spans();
    expect(span.attributes).toMatchObject({
      'error.type': 'upstream_stream_cut',
      'gateway.stream.outcome': 'cut',
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('notes a cancelled or lost attempt without marking it an error', () => {
    const context = request();
    const cancelled = record({ outcome: 'cancelled', code: 'client_closed_request', ms: 3 });
    const lost = record({ kind: 'hedge', outcome: 'lost', ms: 4 });
    const upstream = { model: 'gpt-4o-mini', providerType: 'openai' };
    context.trace!.startAttempt(cancelled, upstream).end(cancelled);
    context.trace!.startAttempt(lost, upstream).end(lost);
    const [a, b] = spans();
    expect(a.attributes['error.type']).toBe('client_closed_request');
    expect(a.status.code).toBe(SpanStatusCode.UNSET);
    expect(b.attributes['error.type']).toBeUndefined();
    expect(b.attributes['gateway.attempt.outcome']).toBe('lost');
  });

  it('starts a new trace when the caller sent no traceparent, or an invalid one', () => {
    const invalid: Record<string, string>[] = [
      {},
      { traceparent: 'garbage' },
      { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` },
    ];
    for (const headers of invalid) {
      exporter.reset();
      const context = request(headers);
      tracer.finish(ended(context));
      const [span] = spans();
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).not.toBe(TRACE_ID);
    }
  });

  it('makes no span for a probe, and none before the request attempts or ends', () => {
    const probe = request({ traceparent: TRACEPARENT });
    tracer.finish(ended(probe, { method: 'GET', path: '/health/ready', probe: true }));
    const waiting = request();
    expect(waiting.trace).toBeDefined();
    expect(spans()).toHaveLength(0);
  });

  it('ignores a request it did not start', () => {
    const context = createRequestContext({ requestId: 'other' });
    tracer.finish(ended(context));
    const other = new GatewayTracer(tracing.tracer);
    other.start(context, {});
    tracer.finish(ended(context));
    expect(spans()).toHaveLength(0);
  });

  it('propagates an unsampled caller decision: no spans, traceparent flags 00', async () => {
    const unsampled = createTracing({
      serviceName: 'test',
      exporter,
      processor: 'simple',
      sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
    });
    const quiet = new GatewayTracer(unsampled.tracer);
    const context = createRequestContext({ requestId: 'r', startedAt: T0 });
    quiet.start(context, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-00` });
    const attempt = record({ outcome: 'ok', ms: 1 });
    const span = context.trace!.startAttempt(attempt, { model: 'm', providerType: 'simulator' });
    expect(span.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
    span.end(attempt);
    quiet.finish(ended(context));
    await unsampled.shutdown();
    expect(spans()).toHaveLength(0);
  });

  it('names providers by the GenAI conventions', () => {
    const context = request();
    const types = ['azure-openai', 'gemini', 'ollama', 'openai-compatible', 'simulator'];
    for (const providerType of types) {
      const attempt = record({ outcome: 'ok' });
      context.trace!.startAttempt(attempt, { model: 'm', providerType }).end(attempt);
    }
    expect(spans().map((s) => s.attributes['gen_ai.provider.name'])).toEqual([
      'azure.ai.openai',
      'gcp.gemini',
      'ollama',
      'openai_compatible',
      'simulator',
    ]);
  });
});
