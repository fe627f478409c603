import { createHash } from 'node:crypto';
import { SpanKind, type HrTime } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing } from '../apps/gateway/src/instrumentation';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import { startGateway, waitFor, type RunningGateway } from './support/gateway-harness';
import { spawnGateway, writeTempConfig } from './support/gateway-process';
import { startOtlpReceiver, type OtlpReceiver, type SimpleSpan } from './support/otlp-receiver';
import { postSse } from './support/sse-client';

/**
 * OpenTelemetry traces end to end: a caller's `traceparent` continued by the gateway's SERVER span,
 * one CLIENT span per upstream attempt (retried, then fallen back), the GenAI attributes with the
 * token counts the caller was told, retry/fallback events, the attempt span's `traceparent` sent
 * upstream, and no key or message content in anything exported. Once in-process through the e2e
 * harness (`startTracing` with an in-memory exporter), once as the built process exporting OTLP/HTTP
 * JSON to a local receiver from its environment, flushed at shutdown.
 */

const UPSTREAM_KEY_A = 'sk-upstreamAkey-0123456789abcdefghij';
const UPSTREAM_KEY_B = 'sk-upstreamBkey-0123456789abcdefghij';
const CALLER_KEY = 'sk-callerKEY-tracing-0123456789abcdef';
const CONTENT_MARKER = 'PURPLE-ELEPHANT-7731';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

const messages = [{ role: 'user', content: `Remember ${CONTENT_MARKER} and say hi.` }];

function gatewayYaml(a: FakeUpstream, b: FakeUpstream): string {
  const sha = createHash('sha256').update(CALLER_KEY).digest('hex');
  return `
server: { allowDirectDeployments: false }
providers:
  - { name: pa, type: openai, baseUrl: ${a.url}/v1, apiKey: "\${UPSTREAM_KEY_A}" }
  - { name: pb, type: openai, baseUrl: ${b.url}/v1, apiKey: "\${UPSTREAM_KEY_B}" }
deployments:
  - name: gpt-a
    provider: pa
    model: gpt-4o-mini
    pricing: { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 }
  - name: gpt-b
    provider: pb
    model: gpt-4o
    pricing: { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 }
routes:
  support:
    targets: [gpt-a, gpt-b]
    retry: { maxAttempts: 2, order: retry-first, baseDelayMs: 5, maxDelayMs: 10 }
resilience:
  breaker: { consecutiveFailures: 0, failureRate: 0 }
tenants:
  - id: acme
    apiKeys: [{ id: acme-ci, sha256: ${sha} }]
`;
}

const ENV = { UPSTREAM_KEY_A, UPSTREAM_KEY_B };

interface Answer {
  status: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
}

async function completion(url: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${CALLER_KEY}`,
      ...headers,
    },
    body: JSON.stringify({ model: 'support', messages }),
  });
  const body = (await res.json()) as {
    usage: { prompt_tokens: number; completion_tokens: number };
  };
  return {
    status: res.status,
    attempts: Number(res.headers.get('x-gateway-attempts')),
    inputTokens: body.usage.prompt_tokens,
    outputTokens: body.usage.completion_tokens,
  };
}

async function streamed(url: string): Promise<Answer> {
  const result = await postSse(
    `${url}/v1/chat/completions`,
    { model: 'support', messages, stream: true, stream_options: { include_usage: true } },
    { authorization: `Bearer ${CALLER_KEY}`, traceparent: TRACEPARENT },
  );
  const usage = result.events
    .map(
      (event) => (event as { usage?: { prompt_tokens: number; completion_tokens: number } }).usage,
    )
    .find((found) => found !== undefined && found !== null);
  expect(result.events.at(-1)).toBe('[DONE]');
  return {
    status: result.status,
    attempts: Number(result.headers['x-gateway-attempts']),
    inputTokens: usage?.prompt_tokens ?? -1,
    outputTokens: usage?.completion_tokens ?? -1,
  };
}

/** The trace of one request: its server span and its attempt spans, in start order. */
function traceOf(spans: SimpleSpan[], requestId?: string) {
  const server = spans.find(
    (span) =>
      span.kind === 'server' &&
      (requestId === undefined || span.attributes['gateway.request.id'] === requestId),
  );
  if (server === undefined) throw new Error('no server span');
  const attempts = spans
    .filter((span) => span.kind === 'client' && span.parentSpanId === server.spanId)
    .sort((a, b) => a.startMs - b.startMs);
  return { server, attempts };
}

/**
 * What a request retried once on gpt-a (500 twice) and answered by gpt-b looks like, and what the
 * upstreams saw.
 */
function expectRetriedThenFellBack(
  spans: SimpleSpan[],
  answer: Answer,
  sent: Sent,
  requestId: string,
): void {
  const { server, attempts } = traceOf(spans, requestId);
  // the caller's trace goes on
  expect(server.traceId).toBe(TRACE_ID);
  expect(server.parentSpanId).toBe(CALLER_SPAN);
  expect(server.name).toBe('chat support');
  expect(server.attributes).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'support',
    'gen_ai.response.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': answer.inputTokens,
    'gen_ai.usage.output_tokens': answer.outputTokens,
    'gen_ai.response.finish_reasons': ['stop'],
    'http.request.method': 'POST',
    'url.path': '/v1/chat/completions',
    'http.response.status_code': 200,
    'gateway.deployment': 'gpt-b',
    'gateway.attempts': 3,
    'gateway.fallback': true,
    'gateway.tenant': 'acme',
  });
  // false flags and a bill equal to the answer's are left out
  expect(server.attributes['gateway.hedged']).toBeUndefined();
  expect(server.attributes['gateway.route']).toBeUndefined();
  expect(server.attributes['gateway.cost_usd']).toMatch(/^0\.\d+$/);
  expect(server.attributes['error.type']).toBeUndefined();
  expect(
    server.events.map((event) => [event.name, event.attributes['gateway.deployment']]),
  ).toEqual([
    ['gen_ai.gateway.retry', 'gpt-a'],
    ['gen_ai.gateway.fallback', 'gpt-b'],
  ]);

  // one CLIENT span per attempt, as many as the caller was told
  expect(attempts).toHaveLength(answer.attempts);
  expect(attempts.map((span) => span.name)).toEqual([
    'chat gpt-4o-mini',
    'chat gpt-4o-mini',
    'chat gpt-4o',
  ]);
  for (const span of attempts) expect(span.traceId).toBe(TRACE_ID);
  const [first, retry, fallback] = attempts;
  for (const [span, kind] of [
    [first, 'first'],
    [retry, 'retry'],
  ] as const) {
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'gateway.deployment': 'gpt-a',
      'gateway.attempt.kind': kind,
      'gateway.attempt.outcome': 'failed',
      'error.type': 'upstream_error',
    });
    expect(span.statusCode).toBe(2);
  }
  expect(fallback.attributes).toMatchObject({
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gateway.deployment': 'gpt-b',
    'gateway.attempt.kind': 'fallback',
    'gateway.attempt.outcome': 'ok',
    // the answering attempt's tokens are the ones the caller was told
    'gen_ai.usage.input_tokens': answer.inputTokens,
    'gen_ai.usage.output_tokens': answer.outputTokens,
    'gen_ai.response.finish_reasons': ['stop'],
  });
  expect(fallback.attributes['error.type']).toBeUndefined();
  expect(fallback.statusCode).toBe(0);

  // each upstream request carried its own attempt span's traceparent
  expect(sent.a).toEqual([
    `00-${TRACE_ID}-${first.spanId}-01`,
    `00-${TRACE_ID}-${retry.spanId}-01`,
  ]);
  expect(sent.b).toEqual([`00-${TRACE_ID}-${fallback.spanId}-01`]);
}

/** The traceparent headers each upstream received (since `from`). */
interface Sent {
  a: (string | string[] | undefined)[];
  b: (string | string[] | undefined)[];
}

function sentSince(a: FakeUpstream, b: FakeUpstream, from: { a: number; b: number }): Sent {
  return {
    a: a.requests.slice(from.a).map((request) => request.headers.traceparent),
    b: b.requests.slice(from.b).map((request) => request.headers.traceparent),
  };
}

const counts = (a: FakeUpstream, b: FakeUpstream) => ({
  a: a.requests.length,
  b: b.requests.length,
});

/** Nothing secret or private in what was exported. */
function expectNoSecrets(exported: string): void {
  for (const secret of [UPSTREAM_KEY_A, UPSTREAM_KEY_B, CALLER_KEY, CONTENT_MARKER, 'acme-ci']) {
    expect(exported).not.toContain(secret);
  }
  expect(exported).not.toMatch(/sk-[A-Za-z0-9]/);
  expect(exported.toLowerCase()).not.toContain('bearer');
}

describe('tracing in-process (e2e harness, startTracing)', () => {
  const exporter = new InMemorySpanExporter();
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gateway: RunningGateway;
  let untraced: RunningGateway;
  let tracing: ReturnType<typeof startTracing>;

  beforeAll(async () => {
    a = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY_A });
    b = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY_B });
    // an app built before tracing starts traces nothing
    untraced = await startGateway(gatewayYaml(a, b), ENV);
    tracing = startTracing({ exporter, processor: 'simple' });
    gateway = await startGateway(gatewayYaml(a, b), ENV);
  });
  afterAll(async () => {
    await gateway?.close();
    await untraced?.close();
    await tracing?.shutdown();
    await a?.close();
    await b?.close();
  });
  beforeEach(() => exporter.reset());

  const spans = (): SimpleSpan[] => exporter.getFinishedSpans().map(simplify);
  const serverSpanOf = (requestId: string) => () =>
    spans().some(
      (span) => span.kind === 'server' && span.attributes['gateway.request.id'] === requestId,
    );

  it('continues the caller trace across a retry and a fallback, with one span per attempt', async () => {
    a.enqueue({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    b.enqueue({ type: 'text', text: 'Hi there.', usage: { input: 31, output: 7 } });
    const requestId = 'trace-e2e-complete';
    const from = counts(a, b);
    const answer = await completion(gateway.url, {
      traceparent: TRACEPARENT,
      'x-request-id': requestId,
    });
    expect(answer).toMatchObject({ status: 200, attempts: 3, inputTokens: 31, outputTokens: 7 });
    await waitFor(serverSpanOf(requestId));
    expectRetriedThenFellBack(spans(), answer, sentSince(a, b, from), requestId);
    expect(spans()).toHaveLength(4);
    expectNoSecrets(JSON.stringify(exporter.getFinishedSpans().map(exported)));
  });

  it('traces a stream that failed over before its first token', async () => {
    a.enqueue(
      { type: 'error', status: 429, headers: { 'retry-after-ms': '5' } },
      {
        type: 'error',
        status: 429,
        headers: { 'retry-after-ms': '5' },
      },
    );
    b.enqueue({ type: 'text', text: 'Streamed hello.', usage: { input: 40, output: 9 } });
    const answer = await streamed(gateway.url);
    expect(answer).toMatchObject({ status: 200, inputTokens: 40, outputTokens: 9 });
    await waitFor(() => spans().some((span) => span.kind === 'server'));
    const { server, attempts } = traceOf(spans());
    expect(server.traceId).toBe(TRACE_ID);
    expect(server.attributes).toMatchObject({
      'gateway.stream.outcome': 'completed',
      'gateway.attempts': 3,
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 9,
      'gateway.deployment': 'gpt-b',
    });
    expect(attempts.map((span) => span.attributes['error.type'])).toEqual([
      'rate_limit_exceeded',
      'rate_limit_exceeded',
      undefined,
    ]);
    expect(attempts[2].attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 9,
    });
    expect(b.requests.at(-1)?.headers.traceparent).toBe(`00-${TRACE_ID}-${attempts[2].spanId}-01`);
    expectNoSecrets(JSON.stringify(exporter.getFinishedSpans().map(exported)));
  });

  it('starts a new trace without a caller traceparent, and traces no probe', async () => {
    const answer = await completion(gateway.url, { 'x-request-id': 'trace-e2e-root' });
    expect(answer.status).toBe(200);
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);
    await waitFor(serverSpanOf('trace-e2e-root'));
    const { server, attempts } = traceOf(spans(), 'trace-e2e-root');
    expect(server.parentSpanId).toBeUndefined();
    expect(server.traceId).not.toBe(TRACE_ID);
    expect(attempts).toHaveLength(1);
    expect(
      spans().filter((span) => String(span.attributes['url.path']).startsWith('/health')),
    ).toEqual([]);
  });

  it('marks a request that failed on every target', async () => {
    a.enqueue({ type: 'error', status: 503 }, { type: 'error', status: 503 });
    b.enqueue({ type: 'error', status: 503 }, { type: 'error', status: 503 });
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${CALLER_KEY}`,
        'x-request-id': 'trace-e2e-failed',
      },
      body: JSON.stringify({ model: 'support', messages }),
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    await waitFor(serverSpanOf('trace-e2e-failed'));
    const { server, attempts } = traceOf(spans(), 'trace-e2e-failed');
    expect(server.statusCode).toBe(2);
    expect(server.attributes['error.type']).toEqual(expect.any(String));
    expect(server.attributes['http.response.status_code']).toBe(res.status);
    expect(attempts).toHaveLength(Number(res.headers.get('x-gateway-attempts')));
    expect(attempts.every((span) => span.statusCode === 2)).toBe(true);
  });

  it('an app built while tracing was off sends no traceparent and makes no span', async () => {
    const before = a.requests.length;
    const answer = await completion(untraced.url, { traceparent: TRACEPARENT });
    expect(answer).toMatchObject({ status: 200, attempts: 1 });
    expect(a.requests).toHaveLength(before + 1);
    // the caller's own traceparent is not passed on either: only an attempt span's would be
    expect(a.requests[before].headers.traceparent).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(spans()).toHaveLength(0);
  });
});

/** The built process (`npm run build`), tracing from its environment to a local OTLP receiver. */
describe('tracing in the built process (OTLP/HTTP from the environment)', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    a = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY_A });
    b = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY_B });
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await receiver?.close();
  });

  it('exports the request and attempt spans as OTLP JSON, the last ones flushed at shutdown', async () => {
    const gateway = await spawnGateway({
      ...ENV,
      GATEWAY_CONFIG: writeTempConfig(gatewayYaml(a, b)),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'llm-gateway-e2e',
      // nothing leaves on the schedule during the test: only the shutdown flush sends them
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    let answer: Answer;
    let sent: Sent;
    let streamAnswer: Answer;
    let streamSent: Sent;
    try {
      a.enqueue({ type: 'error', status: 500 }, { type: 'error', status: 500 });
      b.enqueue({ type: 'text', text: 'Hi there.', usage: { input: 31, output: 7 } });
      let from = counts(a, b);
      answer = await completion(gateway.url, {
        traceparent: TRACEPARENT,
        'x-request-id': 'process-complete',
      });
      sent = sentSince(a, b, from);
      expect(answer).toMatchObject({ status: 200, attempts: 3 });
      a.enqueue({ type: 'text', text: 'Streamed.', usage: { input: 12, output: 4 } });
      from = counts(a, b);
      streamAnswer = await streamed(gateway.url);
      streamSent = sentSince(a, b, from);
      expect(streamAnswer).toMatchObject({ status: 200, inputTokens: 12, outputTokens: 4 });
      expect(receiver.spans).toHaveLength(0);
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }

    expect(receiver.requests.every((request) => request.path === '/v1/traces')).toBe(true);
    expect(receiver.spans.length).toBeGreaterThanOrEqual(6);
    const [span] = receiver.spans;
    expect(span.resource).toMatchObject({
      'service.name': 'llm-gateway-e2e',
      'service.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expectRetriedThenFellBack(receiver.spans, answer, sent, 'process-complete');

    const servers = receiver.spans.filter((s) => s.kind === 'server');
    expect(servers).toHaveLength(2);
    const streamServer = servers.find(
      (s) => s.attributes['gateway.request.id'] !== 'process-complete',
    )!;
    const streamAttempts = traceOf(
      receiver.spans,
      String(streamServer.attributes['gateway.request.id']),
    );
    expect(streamServer.attributes).toMatchObject({
      'gateway.stream.outcome': 'completed',
      'gen_ai.usage.input_tokens': streamAnswer.inputTokens,
      'gen_ai.usage.output_tokens': streamAnswer.outputTokens,
    });
    expect(streamAttempts.attempts).toHaveLength(1);
    expect(streamAttempts.attempts[0].attributes).toMatchObject({
      'gateway.deployment': 'gpt-a',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 4,
    });
    expect(streamSent).toEqual({
      a: [`00-${TRACE_ID}-${streamAttempts.attempts[0].spanId}-01`],
      b: [],
    });

    expectNoSecrets(receiver.rawBodies.join('\n'));
  }, 30_000);
});

// ---- helpers ------------------------------------------------------------------------------------

const hrMs = (time: HrTime): number => time[0] * 1000 + Math.floor(time[1] / 1e6);

function simplify(span: ReadableSpan): SimpleSpan {
  const simple: SimpleSpan = {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    name: span.name,
    kind:
      span.kind === SpanKind.SERVER
        ? 'server'
        : span.kind === SpanKind.CLIENT
          ? 'client'
          : 'internal',
    startMs: hrMs(span.startTime),
    endMs: hrMs(span.endTime),
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      timeMs: hrMs(event.time),
      attributes: { ...event.attributes },
    })),
    statusCode: span.status.code,
    resource: { ...span.resource.attributes },
  };
  if (span.parentSpanContext !== undefined) simple.parentSpanId = span.parentSpanContext.spanId;
  return simple;
}

/** Everything of a span that an exporter sends. */
function exported(span: ReadableSpan): unknown {
  return {
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    status: span.status,
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
  };
}
