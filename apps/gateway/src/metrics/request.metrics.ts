import { Counter, Histogram, type Registry } from 'prom-client';
import type { AttemptRecord, RequestContext } from '@app/core';
import type { FinishedRequest } from '../http/request-observers';

/**
 * Bucket boundaries of the GenAI client histograms: the OpenTelemetry semantic conventions'
 * advice (`gen_ai.client.operation.duration`: 10 ms doubling to ~82 s), extended to ~5 min for
 * long generations.
 */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84,
  327.68,
];
/** `gen_ai.client.token.usage`: 1 token quadrupling to 67M. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** The gateway's own time per request: 0.25 ms to 1 s. */
export const OVERHEAD_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** The provider names of the GenAI semantic conventions, by provider type. */
const GEN_AI_PROVIDER: Record<string, string> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  ollama: 'ollama',
  'openai-compatible': 'openai_compatible',
  simulator: 'simulator',
};

/** What the metrics know of a deployment, from the config (bounded: one entry per deployment). */
export interface DeploymentInfo {
  model: string;
  providerType: string;
}

/**
 * The request metrics (DESIGN.md §6), recorded once per request when it ends, from its meta record:
 * GenAI client histograms per upstream attempt, the gateway's request, attempt, retry, fallback,
 * hedge, cost, token, stream-outcome, output-check and overhead series. Labels are bounded: route,
 * deployment, provider, model (all from the config), tenant (configured tenants), status class,
 * outcome names; never request ids, users or keys' secrets.
 */
export class RequestMetrics {
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private readonly timeToFirstChunk: Histogram;
  private readonly requests: Counter;
  private readonly requestDuration: Histogram;
  private readonly overhead: Histogram;
  private readonly attempts: Counter;
  private readonly retries: Counter;
  private readonly fallbacks: Counter;
  private readonly hedges: Counter;
  private readonly cost: Counter;
  private readonly tokens: Counter;
  private readonly estimated: Counter;
  private readonly streams: Counter;
  private readonly outputChecks: Counter;

  constructor(
    registry: Registry,
    private readonly deployments: ReadonlyMap<string, DeploymentInfo>,
  ) {
    const registers = [registry];
    this.tokenUsage = new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens used per upstream call (gen_ai.client.token.usage), by token type',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_token_type',
        'deployment',
      ],
      buckets: TOKEN_BUCKETS,
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Duration of upstream calls (gen_ai.client.operation.duration)',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'deployment',
        'error_type',
      ],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.timeToFirstChunk = new Histogram({
      name: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      help: 'Time from the request to its first streamed content (gen_ai.client.operation.time_to_first_chunk)',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'deployment',
      ],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.requests = new Counter({
      name: 'gateway_requests_total',
      help: 'Requests by route, status class and tenant',
      labelNames: ['route', 'status_class', 'tenant', 'stream'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'gateway_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response',
      labelNames: ['route', 'status_class'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.overhead = new Histogram({
      name: 'gateway_overhead_seconds',
      help: "The gateway's own time per request: total time minus time waiting on upstreams",
      labelNames: ['route'],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.attempts = new Counter({
      name: 'gateway_attempts_total',
      help: 'Upstream attempts by deployment, kind (first, retry, fallback, hedge) and outcome',
      labelNames: ['deployment', 'kind', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_retries_total',
      help: 'Retries of a deployment after a failure',
      labelNames: ['route', 'deployment'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'gateway_fallbacks_total',
      help: 'Requests answered by a target after the first of their route',
      labelNames: ['route', 'deployment'],
      registers,
    });
    this.hedges = new Counter({
      name: 'gateway_hedges_total',
      help: 'Hedged attempts, by whether the hedge won the race',
      labelNames: ['route', 'deployment', 'result'],
      registers,
    });
    this.cost = new Counter({
      name: 'gateway_cost_usd_total',
      help: 'Cost in USD of the tokens consumed, every attempt included',
      labelNames: ['route', 'deployment', 'tenant'],
      registers,
    });
    this.tokens = new Counter({
      name: 'gateway_tokens_total',
      help: 'Tokens consumed, every attempt included, by type (input, output, cached_input, cache_write, reasoning)',
      labelNames: ['route', 'deployment', 'tenant', 'type'],
      registers,
    });
    this.estimated = new Counter({
      name: 'gateway_usage_estimated_total',
      help: 'Attempts whose usage the gateway counted because the provider reported none',
      labelNames: ['deployment'],
      registers,
    });
    this.streams = new Counter({
      name: 'gateway_stream_outcomes_total',
      help: 'How streams ended: completed, cut by the upstream, cancelled by the client, error',
      labelNames: ['route', 'outcome'],
      registers,
    });
    this.outputChecks = new Counter({
      name: 'gateway_output_checks_total',
      help: 'Answers the output checks flagged: empty, truncated (finish_reason length), refusal, schema_invalid, schema_repaired',
      labelNames: ['route', 'deployment', 'check'],
      registers,
    });
  }

  /** Records a finished request (probes and scrapes are not API traffic: skipped). */
  record(finished: FinishedRequest): void {
    if (finished.probe) return;
    const { context, status } = finished;
    const { meta } = context;
    const route = meta.route ?? '';
    const tenant = tenantLabel(context);
    const statusClass = `${Math.floor(status / 100)}xx`;
    this.requests.inc({
      route,
      status_class: statusClass,
      tenant,
      stream: meta.streamOutcome ? 'true' : 'false',
    });
    this.requestDuration.observe({ route, status_class: statusClass }, finished.latencyMs / 1000);
    if (meta.attempts === 0) return;

    this.overhead.observe({ route }, Math.max(0, finished.latencyMs - meta.upstreamMs) / 1000);
    if (meta.streamOutcome !== undefined) this.streams.inc({ route, outcome: meta.streamOutcome });
    const answered = meta.deployment ?? '';
    if (meta.ttftMs !== undefined && answered) {
      this.timeToFirstChunk.observe(this.genAiLabels(answered), meta.ttftMs / 1000);
    }
    if (meta.fallback) this.fallbacks.inc({ route, deployment: answered });
    this.recordQuality(route, answered, context);
    for (const attempt of meta.attemptLog ?? []) this.recordAttempt(route, tenant, attempt);
    for (const attempt of meta.subAttempts ?? []) this.recordAttempt(route, tenant, attempt);
  }

  private recordAttempt(route: string, tenant: string, attempt: AttemptRecord): void {
    const { deployment } = attempt;
    this.attempts.inc({ deployment, kind: attempt.kind, outcome: attempt.outcome });
    if (attempt.kind === 'retry') this.retries.inc({ route, deployment });
    if (attempt.kind === 'hedge') {
      this.hedges.inc({
        route,
        deployment,
        result: attempt.outcome === 'ok' ? 'won' : attempt.outcome,
      });
    }
    const gen = this.genAiLabels(deployment);
    this.operationDuration.observe(
      { ...gen, error_type: attempt.outcome === 'ok' ? '' : (attempt.code ?? attempt.outcome) },
      attempt.ms / 1000,
    );
    const usage = attempt.usage;
    if (usage === undefined) return;
    this.tokenUsage.observe({ ...gen, gen_ai_token_type: 'input' }, usage.inputTokens);
    this.tokenUsage.observe({ ...gen, gen_ai_token_type: 'output' }, usage.outputTokens);
    const labels = { route, deployment, tenant };
    this.tokens.inc({ ...labels, type: 'input' }, usage.inputTokens);
    this.tokens.inc({ ...labels, type: 'output' }, usage.outputTokens);
    if (usage.cachedInputTokens) {
      this.tokens.inc({ ...labels, type: 'cached_input' }, usage.cachedInputTokens);
    }
    if (usage.cacheWriteTokens) {
      this.tokens.inc({ ...labels, type: 'cache_write' }, usage.cacheWriteTokens);
    }
    if (usage.reasoningTokens) {
      this.tokens.inc({ ...labels, type: 'reasoning' }, usage.reasoningTokens);
    }
    if (usage.estimated) this.estimated.inc({ deployment });
    if (attempt.costNanoUsd !== undefined) this.cost.inc(labels, attempt.costNanoUsd / 1e9);
  }

  private recordQuality(route: string, deployment: string, context: RequestContext): void {
    const quality = context.meta.quality;
    const truncated = quality?.truncated ?? context.meta.finishReason === 'length';
    const labels = { route, deployment };
    if (truncated) this.outputChecks.inc({ ...labels, check: 'truncated' });
    if (quality === undefined) return;
    if (quality.empty) this.outputChecks.inc({ ...labels, check: 'empty' });
    if (quality.refusal) this.outputChecks.inc({ ...labels, check: 'refusal' });
    if (quality.schema === 'invalid') this.outputChecks.inc({ ...labels, check: 'schema_invalid' });
    if (quality.schema === 'repaired') {
      this.outputChecks.inc({ ...labels, check: 'schema_repaired' });
    }
  }

  private genAiLabels(deployment: string) {
    const info = this.deployments.get(deployment);
    return {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: info ? (GEN_AI_PROVIDER[info.providerType] ?? info.providerType) : '',
      gen_ai_request_model: info?.model ?? '',
      deployment,
    };
  }
}

/** The tenant as a label: configured tenants only (bounded), else `anonymous`. */
function tenantLabel(context: RequestContext): string {
  return context.tenant?.id ?? 'anonymous';
}
