import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { redactSecrets } from '@app/core';
import {
  createTracing,
  tracingSettingsFromEnv,
  type BatchOptions,
  type Tracing,
} from '@app/observability';
import packageJson from '../../../../package.json';

export const DEFAULT_SERVICE_NAME = 'llm-gateway';
export const GATEWAY_VERSION: string = packageJson.version;

/**
 * The tracing an app built now picks up (`TracingModule`): the one started last and not shut down
 * yet. Module state, so one process (main.ts, or one e2e suite) has at most one at a time; apps
 * built while none is active trace nothing.
 */
let active: Tracing | undefined;

export function activeTracing(): Tracing | undefined {
  return active;
}

export interface StartTracingOptions {
  /** spans go to this exporter (tests) ... */
  exporter?: SpanExporter;
  /** ... or as OTLP/HTTP JSON to this traces URL (`http://collector:4318/v1/traces`) */
  endpoint?: string;
  /** default `llm-gateway` */
  serviceName?: string;
  /** `simple`: each span exported as it ends (tests); default `batch` */
  processor?: 'batch' | 'simple';
  batch?: BatchOptions;
}

/**
 * Starts tracing in this process with an explicit exporter or endpoint (no environment needed):
 * apps built from now on trace their requests, until `shutdown` (which flushes, then makes it
 * inactive). For the e2e tests; main.ts goes through `startTracingFromEnv`.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  return activate(
    createTracing({
      serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
      serviceVersion: GATEWAY_VERSION,
      ...(options.exporter !== undefined && { exporter: options.exporter }),
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      ...(options.processor !== undefined && { processor: options.processor }),
      ...(options.batch !== undefined && { batch: options.batch }),
    }),
  );
}

/**
 * Starts tracing when the environment asks for it: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and not
 * `OTEL_SDK_DISABLED=true` (docs/configuration.md, "Tracing"). SDK warnings and export failures go
 * to stderr as JSON lines, at `OTEL_LOG_LEVEL` (default warn).
 */
export function startTracingFromEnv(env: NodeJS.ProcessEnv): Tracing | undefined {
  const settings = tracingSettingsFromEnv(env, {
    serviceName: DEFAULT_SERVICE_NAME,
    serviceVersion: GATEWAY_VERSION,
  });
  if (!settings.enabled) return undefined;
  diag.setLogger(stderrDiagLogger, {
    logLevel: diagLevel(env.OTEL_LOG_LEVEL),
    suppressOverrideMessage: true,
  });
  // an export failure as one short line, not the error's JSON with its stack
  setGlobalErrorHandler((error) =>
    diag.error(
      typeof error === 'string' ? error : `${error.name ?? 'Error'}: ${error.message ?? ''}`,
    ),
  );
  for (const warning of settings.warnings) diag.warn(warning);
  return activate(createTracing(settings.options));
}

function activate(tracing: Tracing): Tracing {
  const handle: Tracing = {
    tracer: tracing.tracer,
    forceFlush: () => tracing.forceFlush(),
    shutdown: () => {
      if (active === handle) active = undefined;
      return tracing.shutdown();
    },
  };
  active = handle;
  return handle;
}

function diagLevel(name: string | undefined): DiagLogLevel {
  switch (name?.trim().toUpperCase()) {
    case 'NONE':
      return DiagLogLevel.NONE;
    case 'ERROR':
      return DiagLogLevel.ERROR;
    case 'INFO':
      return DiagLogLevel.INFO;
    case 'DEBUG':
      return DiagLogLevel.DEBUG;
    case 'VERBOSE':
      return DiagLogLevel.VERBOSE;
    case 'ALL':
      return DiagLogLevel.ALL;
    default:
      return DiagLogLevel.WARN;
  }
}

/** The SDK's own messages (an unreachable collector, a bad setting) as JSON lines on stderr. */
function diagLine(level: string) {
  return (message: string, ...args: unknown[]): void => {
    const detail = args
      .map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : ''))
      .filter((text) => text !== '')
      .join(' ');
    const text = redactSecrets(detail === '' ? message : `${message} ${detail}`);
    process.stderr.write(
      `${JSON.stringify({ level, message: `opentelemetry: ${text}`, timestamp: new Date().toISOString() })}\n`,
    );
  };
}

const stderrDiagLogger: DiagLogger = {
  error: diagLine('error'),
  warn: diagLine('warn'),
  info: diagLine('info'),
  debug: diagLine('debug'),
  verbose: diagLine('debug'),
};
