/**
 * OpenTelemetry, started before Nest loads: main.ts imports this file first. With an OTLP endpoint
 * in the environment (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and
 * without `OTEL_SDK_DISABLED=true`, spans are batched and sent as OTLP/HTTP JSON; the app's
 * `TracingModule` picks the tracer up when it is built. Nothing is patched or registered globally
 * (see docs/architecture.md, "Tracing"). Without an endpoint nothing starts and nothing is traced.
 *
 * `startTracing` is the same start with an explicit exporter or endpoint, for in-process tests.
 */
import { startTracingFromEnv } from './tracing/process-tracing';

export { activeTracing, startTracing, type StartTracingOptions } from './tracing/process-tracing';

startTracingFromEnv(process.env);
