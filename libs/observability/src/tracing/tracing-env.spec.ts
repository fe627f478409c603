import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { samplerFromEnv, tracingSettingsFromEnv } from './tracing-env';

const DEFAULTS = { serviceName: 'llm-gateway', serviceVersion: '1.2.3' };

describe('tracingSettingsFromEnv', () => {
  it('is off without an OTLP endpoint', () => {
    expect(tracingSettingsFromEnv({}, DEFAULTS).enabled).toBe(false);
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, DEFAULTS).enabled).toBe(
      false,
    );
  });

  it('is on with either endpoint variable', () => {
    const endpoint = 'http://collector:4318';
    expect(
      tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, DEFAULTS).enabled,
    ).toBe(true);
    const traces = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` };
    expect(tracingSettingsFromEnv(traces, DEFAULTS).enabled).toBe(true);
  });

  it('is off when OTEL_SDK_DISABLED is true (any case) or the traces exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    for (const disabled of ['true', 'TRUE', ' True ']) {
      const env = { ...endpoint, OTEL_SDK_DISABLED: disabled };
      expect(tracingSettingsFromEnv(env, DEFAULTS).enabled).toBe(false);
    }
    expect(
      tracingSettingsFromEnv({ ...endpoint, OTEL_SDK_DISABLED: 'false' }, DEFAULTS).enabled,
    ).toBe(true);
    expect(
      tracingSettingsFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, DEFAULTS).enabled,
    ).toBe(false);
  });

  it('names the service from OTEL_SERVICE_NAME, else the default, with the version', () => {
    expect(tracingSettingsFromEnv({}, DEFAULTS).options).toMatchObject({
      serviceName: 'llm-gateway',
      serviceVersion: '1.2.3',
    });
    const named = tracingSettingsFromEnv({ OTEL_SERVICE_NAME: 'gw-eu' }, DEFAULTS);
    expect(named.options.serviceName).toBe('gw-eu');
  });

  it('reads resource attributes and batch settings, warning about bad values', () => {
    const settings = tracingSettingsFromEnv(
      {
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=ml%20platform',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_EXPORTER: 'zipkin',
      },
      DEFAULTS,
    );
    expect(settings.options.resourceAttributes).toEqual({
      'deployment.environment.name': 'prod',
      team: 'ml platform',
    });
    expect(settings.options.batch).toEqual({ scheduledDelayMillis: 200 });
    expect(settings.warnings).toEqual([
      'OTEL_TRACES_EXPORTER=zipkin is not supported (only otlp); ignored',
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; spans go as http/json',
      'OTEL_BSP_MAX_QUEUE_SIZE=lots is not a positive integer; ignored',
    ]);
  });

  it('takes the sampler from OTEL_TRACES_SAMPLER', () => {
    const settings = tracingSettingsFromEnv(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
      DEFAULTS,
    );
    expect(settings.options.sampler).toBeInstanceOf(ParentBasedSampler);
    expect(settings.options.sampler?.toString()).toContain('0.25');
  });
});

describe('samplerFromEnv', () => {
  it('knows the standard samplers', () => {
    expect(samplerFromEnv(undefined, undefined)).toBeUndefined();
    expect(samplerFromEnv('always_on', undefined)).toBeInstanceOf(AlwaysOnSampler);
    expect(samplerFromEnv('always_off', undefined)).toBeInstanceOf(AlwaysOffSampler);
    expect(samplerFromEnv('traceidratio', '0.1')).toBeInstanceOf(TraceIdRatioBasedSampler);
    expect(samplerFromEnv('parentbased_always_on', undefined)).toBeInstanceOf(ParentBasedSampler);
    expect(samplerFromEnv('parentbased_always_off', undefined)).toBeInstanceOf(ParentBasedSampler);
  });

  it('explains what it ignores', () => {
    expect(samplerFromEnv('traceidratio', '2')).toBe(
      'OTEL_TRACES_SAMPLER_ARG=2 is not a ratio within 0..1; sampler ignored',
    );
    expect(samplerFromEnv('jaeger_remote', undefined)).toBe(
      'OTEL_TRACES_SAMPLER=jaeger_remote is not supported; using parentbased_always_on',
    );
  });
});
