import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { BatchOptions, TracingOptions } from './tracing-sdk';

/** What the standard `OTEL_*` variables say about tracing. */
export interface TracingEnvSettings {
  /** an OTLP endpoint is set and neither `OTEL_SDK_DISABLED` nor `OTEL_TRACES_EXPORTER=none` says no */
  enabled: boolean;
  /** the options they set (the exporter reads its own URL, headers, timeout and compression) */
  options: TracingOptions;
  /** settings that were ignored, and why */
  warnings: string[];
}

const BATCH_VARIABLES: ReadonlyArray<[string, keyof BatchOptions]> = [
  ['OTEL_BSP_SCHEDULE_DELAY', 'scheduledDelayMillis'],
  ['OTEL_BSP_EXPORT_TIMEOUT', 'exportTimeoutMillis'],
  ['OTEL_BSP_MAX_QUEUE_SIZE', 'maxQueueSize'],
  ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize'],
];

/**
 * Reads the OpenTelemetry SDK environment variables the gateway honours: `OTEL_SDK_DISABLED`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (their presence turns
 * tracing on), `OTEL_TRACES_EXPORTER` (`otlp` or `none`), `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` / `_ARG` and `OTEL_BSP_*`.
 */
export function tracingSettingsFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: { serviceName: string; serviceVersion?: string },
): TracingEnvSettings {
  const warnings: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const endpoint =
    value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? value('OTEL_EXPORTER_OTLP_ENDPOINT');
  const disabled = value('OTEL_SDK_DISABLED')?.toLowerCase() === 'true';
  const exporters = (value('OTEL_TRACES_EXPORTER') ?? 'otlp')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  for (const name of exporters) {
    if (name !== 'otlp' && name !== 'none') {
      warnings.push(`OTEL_TRACES_EXPORTER=${name} is not supported (only otlp); ignored`);
    }
  }
  const protocol =
    value('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? value('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/json') {
    warnings.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; spans go as http/json`,
    );
  }

  const options: TracingOptions = {
    serviceName: value('OTEL_SERVICE_NAME') ?? defaults.serviceName,
    resourceAttributes: parseKeyPairsIntoRecord(value('OTEL_RESOURCE_ATTRIBUTES')),
    batch: batchOptions(value, warnings),
  };
  if (defaults.serviceVersion !== undefined) options.serviceVersion = defaults.serviceVersion;
  const sampler = samplerFromEnv(value('OTEL_TRACES_SAMPLER'), value('OTEL_TRACES_SAMPLER_ARG'));
  if (typeof sampler === 'string') warnings.push(sampler);
  else if (sampler !== undefined) options.sampler = sampler;

  return {
    enabled: endpoint !== undefined && !disabled && !exporters.includes('none'),
    options,
    warnings,
  };
}

function batchOptions(
  value: (name: string) => string | undefined,
  warnings: string[],
): BatchOptions {
  const batch: BatchOptions = {};
  for (const [variable, key] of BATCH_VARIABLES) {
    const raw = value(variable);
    if (raw === undefined) continue;
    const number = Number(raw);
    if (Number.isInteger(number) && number > 0) batch[key] = number;
    else warnings.push(`${variable}=${raw} is not a positive integer; ignored`);
  }
  return batch;
}

/** The sampler `OTEL_TRACES_SAMPLER` names; undefined for the default; a string: why it was ignored. */
export function samplerFromEnv(
  name: string | undefined,
  argument: string | undefined,
): Sampler | string | undefined {
  if (name === undefined) return undefined;
  const ratio = (): number | string => {
    if (argument === undefined) return 1;
    const number = Number(argument);
    return Number.isFinite(number) && number >= 0 && number <= 1
      ? number
      : `OTEL_TRACES_SAMPLER_ARG=${argument} is not a ratio within 0..1; sampler ignored`;
  };
  switch (name.toLowerCase()) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'traceidratio': {
      const value = ratio();
      return typeof value === 'string' ? value : new TraceIdRatioBasedSampler(value);
    }
    case 'parentbased_traceidratio': {
      const value = ratio();
      return typeof value === 'string'
        ? value
        : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(value) });
    }
    default:
      return `OTEL_TRACES_SAMPLER=${name} is not supported; using parentbased_always_on`;
  }
}
