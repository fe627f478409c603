import { trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { createTracing, TRACER_NAME } from './tracing-sdk';

describe('createTracing', () => {
  it('describes the service in the resource, over any extra resource attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({
      serviceName: 'llm-gateway',
      serviceVersion: '1.2.3',
      resourceAttributes: { 'service.name': 'overridden', 'deployment.environment.name': 'test' },
      exporter,
      processor: 'simple',
    });
    tracing.tracer.startSpan('one').end();
    const [span] = exporter.getFinishedSpans();
    expect(span.resource.attributes).toMatchObject({
      'service.name': 'llm-gateway',
      'service.version': '1.2.3',
      'deployment.environment.name': 'test',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(span.instrumentationScope).toMatchObject({ name: TRACER_NAME, version: '1.2.3' });
    await tracing.shutdown();
  });

  it('batches by default: spans leave on forceFlush (or the schedule), not as they end', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({
      serviceName: 's',
      exporter,
      batch: { scheduledDelayMillis: 60_000 },
    });
    tracing.tracer.startSpan('batched').end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['batched']);
    await tracing.shutdown();
  });

  it('flushes on shutdown, once, and drops what ends after it', async () => {
    const exported: string[] = [];
    const exporter: SpanExporter = {
      export: (spans, done) => {
        exported.push(...spans.map((span) => span.name));
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    const tracing = createTracing({
      serviceName: 's',
      exporter,
      batch: { scheduledDelayMillis: 60_000 },
    });
    tracing.tracer.startSpan('before').end();
    expect(exported).toEqual([]);
    const first = tracing.shutdown();
    expect(tracing.shutdown()).toBe(first);
    await first;
    expect(exported).toEqual(['before']);
    tracing.tracer.startSpan('after').end();
    await tracing.forceFlush();
    expect(exported).toEqual(['before']);
  });

  it('registers nothing globally: the API has no tracer provider of its own', async () => {
    const tracing = createTracing({ serviceName: 's', exporter: new InMemorySpanExporter() });
    const span = trace.getTracer('anyone').startSpan('global');
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
  });

  // Sending to an OTLP/HTTP endpoint is tested against the built process
  // (test/tracing.e2e-spec.ts): the exporter loads node:http with a dynamic import(), which Jest
  // runs only with --experimental-vm-modules.
  it('builds an OTLP/HTTP pipeline for an endpoint, and stops cleanly with nothing to send', async () => {
    const tracing = createTracing({ serviceName: 's', endpoint: 'http://127.0.0.1:9/v1/traces' });
    expect(tracing.tracer).toBeDefined();
    await expect(tracing.forceFlush()).resolves.toBeUndefined();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});
