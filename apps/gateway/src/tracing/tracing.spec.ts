import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createRequestContext } from '@app/core';
import { parseConfig } from '@app/gateway';
import { GatewayTracer } from '@app/observability';
import { RequestObservers } from '../http/request-observers';
import {
  activeTracing,
  DEFAULT_SERVICE_NAME,
  GATEWAY_VERSION,
  startTracing,
  startTracingFromEnv,
} from './process-tracing';
import { deploymentsOf } from './tracing.module';
import { TracingObserver } from './tracing.observer';

describe('process tracing', () => {
  afterEach(async () => {
    await activeTracing()?.shutdown();
  });

  it('starts nothing without an OTLP endpoint, or when the SDK is disabled', () => {
    expect(startTracingFromEnv({})).toBeUndefined();
    expect(
      startTracingFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SDK_DISABLED: 'true',
      }),
    ).toBeUndefined();
    expect(activeTracing()).toBeUndefined();
  });

  it('starts from the environment when an endpoint is set', async () => {
    const tracing = startTracingFromEnv({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
      OTEL_LOG_LEVEL: 'none',
    });
    expect(tracing).toBeDefined();
    expect(activeTracing()).toBe(tracing);
    await tracing!.shutdown();
    expect(activeTracing()).toBeUndefined();
  });

  it('is active from start to shutdown; the latest start wins', async () => {
    const exporter = new InMemorySpanExporter();
    const first = startTracing({ exporter: new InMemorySpanExporter(), processor: 'simple' });
    const second = startTracing({ exporter, processor: 'simple' });
    expect(activeTracing()).toBe(second);
    await first.shutdown();
    expect(activeTracing()).toBe(second);
    second.tracer.startSpan('x').end();
    const [span] = exporter.getFinishedSpans();
    expect(span.resource.attributes).toMatchObject({
      'service.name': DEFAULT_SERVICE_NAME,
      'service.version': GATEWAY_VERSION,
    });
    await second.shutdown();
    expect(activeTracing()).toBeUndefined();
  });

  it('knows the gateway version from package.json', () => {
    expect(GATEWAY_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('TracingObserver', () => {
  it('does not register, and so costs nothing, when tracing is off', () => {
    const observers = new RequestObservers();
    const register = jest.spyOn(observers, 'register');
    const observer = new TracingObserver(undefined, observers);
    expect(observer.enabled).toBe(false);
    expect(register).not.toHaveBeenCalled();
    const context = createRequestContext({ requestId: 'r' });
    observers.started(context, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(context.trace).toBeUndefined();
  });

  it('registers and traces each request when tracing is on', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ exporter, processor: 'simple' });
    const observers = new RequestObservers();
    const observer = new TracingObserver(new GatewayTracer(tracing.tracer), observers);
    expect(observer.enabled).toBe(true);
    const context = createRequestContext({ requestId: 'r' });
    observers.started(context, {});
    expect(context.trace).toBeDefined();
    const finished = { context, method: 'GET', path: '/v1/models', status: 200, latencyMs: 3 };
    observers.finished({ ...finished, probe: false });
    const probe = createRequestContext({ requestId: 'p' });
    observers.started(probe, {});
    observers.finished({ ...finished, context: probe, path: '/health/live', probe: true });
    expect(exporter.getFinishedSpans().map((span) => span.attributes['url.path'])).toEqual([
      '/v1/models',
    ]);
    await tracing.shutdown();
  });
});

describe('deploymentsOf', () => {
  it('gives each deployment its model and its provider host and explicit port', () => {
    const config = parseConfig(
      `
providers:
  - { name: a, type: openai, baseUrl: "https://api.example.com/v1", apiKey: k }
  - { name: b, type: openai-compatible, baseUrl: "http://10.0.0.5:8000/v1" }
  - { name: s, type: simulator }
deployments:
  - { name: da, provider: a, model: gpt-4o-mini }
  - { name: db, provider: b, model: llama }
  - { name: ds, provider: s, model: sim }
routes:
  r: { targets: [da, db, ds] }
`,
      {},
      'test',
    );
    expect(Object.fromEntries(deploymentsOf(config))).toEqual({
      da: { model: 'gpt-4o-mini', serverAddress: 'api.example.com' },
      db: { model: 'llama', serverAddress: '10.0.0.5', serverPort: 8000 },
      ds: { model: 'sim' },
    });
  });
});
