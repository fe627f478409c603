import type { Attributes, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type BatchSpanProcessorOptions,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './semconv';

/** the instrumentation scope of the gateway's spans */
export const TRACER_NAME = 'llm-gateway';

export type BatchOptions = Omit<BatchSpanProcessorOptions, 'exporter' | 'selfObsMeterProvider'>;

export interface TracingOptions {
  /** `service.name` of the resource */
  serviceName: string;
  /** `service.version` of the resource */
  serviceVersion?: string;
  /** more resource attributes (e.g. from `OTEL_RESOURCE_ATTRIBUTES`); the two above win */
  resourceAttributes?: Attributes;
  /**
   * Where spans go: this exporter (tests); else OTLP over HTTP (JSON bodies) to `endpoint`, the full
   * URL of the traces endpoint (`http://collector:4318/v1/traces`); else to the URL, headers,
   * timeout and compression the exporter reads from `OTEL_EXPORTER_OTLP_*`.
   */
  exporter?: SpanExporter;
  endpoint?: string;
  /** `simple` exports each span as it ends (tests); `batch` (default) in the background */
  processor?: 'batch' | 'simple';
  /** the batch processor's queue, batch size, delay and export timeout (SDK defaults otherwise) */
  batch?: BatchOptions;
  /** default: parent-based, always on (a caller's sampled flag is followed) */
  sampler?: Sampler;
}

/** A running trace pipeline: not registered globally, so several can live in one process. */
export interface Tracing {
  readonly tracer: Tracer;
  /** exports every ended span now */
  forceFlush(): Promise<void>;
  /** flushes, then stops exporting; the tracer's spans are dropped afterwards */
  shutdown(): Promise<void>;
}

/**
 * The SDK's TracerProvider with one span processor and exporter, and the gateway's resource. Its
 * tracer is handed to the `GatewayTracer` explicitly: no global provider, context manager or
 * propagator is registered, nothing is monkey-patched.
 */
export function createTracing(options: TracingOptions): Tracing {
  const exporter =
    options.exporter ??
    new OTLPTraceExporter(options.endpoint === undefined ? {} : { url: options.endpoint });
  const processor: SpanProcessor =
    options.processor === 'simple'
      ? new SimpleSpanProcessor({ exporter })
      : new BatchSpanProcessor({ ...options.batch, exporter });
  const own: Attributes = { [ATTR_SERVICE_NAME]: options.serviceName };
  if (options.serviceVersion !== undefined) own[ATTR_SERVICE_VERSION] = options.serviceVersion;
  const resource = defaultResource()
    .merge(resourceFromAttributes(options.resourceAttributes ?? {}))
    .merge(resourceFromAttributes(own));
  const provider = new TracerProvider({
    resource,
    spanProcessors: [processor],
    ...(options.sampler !== undefined && { sampler: options.sampler }),
  });
  const tracer = provider.getTracer(TRACER_NAME, options.serviceVersion);
  let stopped: Promise<void> | undefined;
  return {
    tracer,
    forceFlush: () => (stopped === undefined ? provider.forceFlush() : stopped),
    shutdown: () => (stopped ??= provider.shutdown()),
  };
}
