import type { Registry } from 'prom-client';
import type { AttemptRecord, RequestContext } from '@app/core';
import type { FinishedRequest } from '../http/request-observers';
import { LeanCounter, LeanHistogram } from './lean-metrics';

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
  private readonly tokenUsage: LeanHistogram;
  private readonly operationDuration: LeanHistogram;
  private readonly timeToFirstChunk: LeanHistogram;
  private readonly requests: LeanCounter;
  private readonly requestDuration: LeanHistogram;
  private readonly overhead: LeanHistogram;
  private readonly attempts: LeanCounter;
  private readonly retries: LeanCounter;
  private readonly fallbacks: LeanCounter;
  private readonly hedges: LeanCounter;
  private readonly cost: LeanCounter;
  private readonly tokens: LeanCounter;
  private readonly estimated: LeanCounter;
  private readonly streams: LeanCounter;
  private readonly outputChecks: LeanCounter;
  private readonly genAi = new Map<string, readonly [string, string, string]>();

  constructor(
    registry: Registry,
    private readonly deployments: ReadonlyMap<string, DeploymentInfo>,
  ) {
    this.tokenUsage = new LeanHistogram(registry, {
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
    });
    this.operationDuration = new LeanHistogram(registry, {
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
    });
    this.timeToFirstChunk = new LeanHistogram(registry, {
      name: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      help: 'Time from the request to its first streamed content (gen_ai.client.operation.time_to_first_chunk)',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'deployment',
      ],
      buckets: DURATION_BUCKETS,
    });
    this.requests = new LeanCounter(registry, {
      name: 'gateway_requests_total',
      help: 'Requests by route, status class and tenant',
      labelNames: ['route', 'status_class', 'tenant', 'stream'],
    });
    this.requestDuration = new LeanHistogram(registry, {
      name: 'gateway_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response',
      labelNames: ['route', 'status_class'],
      buckets: DURATION_BUCKETS,
    });
    this.overhead = new LeanHistogram(registry, {
      name: 'gateway_overhead_seconds',
      help: "The gateway's own time per request: total time minus time waiting on upstreams",
      labelNames: ['route'],
      buckets: OVERHEAD_BUCKETS,
    });
    this.attempts = new LeanCounter(registry, {
      name: 'gateway_attempts_total',
      help: 'Upstream attempts by deployment, kind (first, retry, fallback, hedge) and outcome',
      labelNames: ['deployment', 'kind', 'outcome'],
    });
    this.retries = new LeanCounter(registry, {
      name: 'gateway_retries_total',
      help: 'Retries of a deployment after a failure',
      labelNames: ['route', 'deployment'],
    });
    this.fallbacks = new LeanCounter(registry, {
      name: 'gateway_fallbacks_total',
      help: 'Requests answered by a target after the first of their route',
      labelNames: ['route', 'deployment'],
    });
    this.hedges = new LeanCounter(registry, {
      name: 'gateway_hedges_total',
      help: 'Hedged attempts, by whether the hedge won the race',
      labelNames: ['route', 'deployment', 'result'],
    });
    this.cost = new LeanCounter(registry, {
      name: 'gateway_cost_usd_total',
      help: 'Cost in USD of the tokens consumed, every attempt included',
      labelNames: ['route', 'deployment', 'tenant'],
    });
    this.tokens = new LeanCounter(registry, {
      name: 'gateway_tokens_total',
      help: 'Tokens consumed, every attempt included, by type (input, output, cached_input, cache_write, reasoning)',
      labelNames: ['route', 'deployment', 'tenant', 'type'],
    });
    this.estimated = new LeanCounter(registry, {
      name: 'gateway_usage_estimated_total',
      help: 'Attempts whose usage the gateway counted because the provider reported none',
      labelNames: ['deployment'],
    });
    this.streams = new LeanCounter(registry, {
      name: 'gateway_stream_outcomes_total',
      help: 'How streams ended: completed, cut by the upstream, cancelled by the client, error',
      labelNames: ['route', 'outcome'],
    });
    this.outputChecks = new LeanCounter(registry, {
      name: 'gateway_output_checks_total',
      help: 'Answers the output checks flagged: empty, truncated (finish_reason length), refusal, schema_invalid, schema_repaired',
      labelNames: ['route', 'deployment', 'check'],
    });
  }

  /** Records a finished request (probes and scrapes are not API traffic: skipped). */
  record(finished: FinishedRequest): void {
    if (finished.probe) return;
    const { context, status } = finished;
    const { meta } = context;
    const route = meta.route ?? '';
    const tenant = tenantLabel(context);
    const statusClass = STATUS_CLASS[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
    this.requests.inc([route, statusClass, tenant, meta.streamOutcome ? 'true' : 'false']);
    this.requestDuration.observe([route, statusClass], finished.latencyMs / 1000);
    if (meta.attempts === 0) return;

    this.overhead.observe([route], Math.max(0, finished.latencyMs - meta.upstreamMs) / 1000);
    if (meta.streamOutcome !== undefined) this.streams.inc([route, meta.streamOutcome]);
    const answered = meta.deployment ?? '';
    if (meta.ttftMs !== undefined && answered) {
      const gen = this.genAiLabels(answered);
      this.timeToFirstChunk.observe([gen[0], gen[1], gen[2], answered], meta.ttftMs / 1000);
    }
    if (meta.fallback) this.fallbacks.inc([route, answered]);
    this.recordQuality(route, answered, context);
    for (const attempt of meta.attemptLog ?? []) this.recordAttempt(route, tenant, attempt);
    for (const attempt of meta.subAttempts ?? []) this.recordAttempt(route, tenant, attempt);
  }

  private recordAttempt(route: string, tenant: string, attempt: AttemptRecord): void {
    const { deployment } = attempt;
    this.attempts.inc([deployment, attempt.kind, attempt.outcome]);
    if (attempt.kind === 'retry') this.retries.inc([route, deployment]);
    if (attempt.kind === 'hedge') {
      this.hedges.inc([route, deployment, attempt.outcome === 'ok' ? 'won' : attempt.outcome]);
    }
    const [operation, provider, model] = this.genAiLabels(deployment);
    const errorType = attempt.outcome === 'ok' ? '' : (attempt.code ?? attempt.outcome);
    this.operationDuration.observe(
      [operation, provider, model, deployment, errorType],
      attempt.ms / 1000,
    );
    const usage = attempt.usage;
    if (usage === undefined) return;
    this.tokenUsage.observe([operation, provider, model, 'input', deployment], usage.inputTokens);
    this.tokenUsage.observe([operation, provider, model, 'output', deployment], usage.outputTokens);
    this.tokens.inc([route, deployment, tenant, 'input'], usage.inputTokens);
    this.tokens.inc([route, deployment, tenant, 'output'], usage.outputTokens);
    if (usage.cachedInputTokens) {
      this.tokens.inc([route, deployment, tenant, 'cached_input'], usage.cachedInputTokens);
    }
    if (usage.cacheWriteTokens) {
      this.tokens.inc([route, deployment, tenant, 'cache_write'], usage.cacheWriteTokens);
    }
    if (usage.reasoningTokens) {
      this.tokens.inc([route, deployment, tenant, 'reasoning'], usage.reasoningTokens);
    }
    if (usage.estimated) this.estimated.inc([deployment]);
    if (attempt.costNanoUsd !== undefined) {
      this.cost.inc([route, deployment, tenant], attempt.costNanoUsd / 1e9);
    }
  }

  private recordQuality(route: string, deployment: string, context: RequestContext): void {
    const quality = context.meta.quality;
    const truncated = quality?.truncated ?? context.meta.finishReason === 'length';
    if (truncated) this.outputChecks.inc([route, deployment, 'truncated']);
    if (quality === undefined) return;
    if (quality.empty) this.outputChecks.inc([route, deployment, 'empty']);
    if (quality.refusal) this.outputChecks.inc([route, deployment, 'refusal']);
    if (quality.schema === 'invalid') this.outputChecks.inc([route, deployment, 'schema_invalid']);
    if (quality.schema === 'repaired') {
      this.outputChecks.inc([route, deployment, 'schema_repaired']);
    }
  }

  /** `[gen_ai_operation_name, gen_ai_provider_name, gen_ai_request_model]` of a deployment */
  private genAiLabels(deployment: string): readonly [string, string, string] {
    let labels = this.genAi.get(deployment);
    if (labels === undefined) {
      const info = this.deployments.get(deployment);
      labels = [
        'chat',
        info ? (GEN_AI_PROVIDER[info.providerType] ?? info.providerType) : '',
        info?.model ?? '',
      ];
      this.genAi.set(deployment, labels);
    }
    return labels;
  }
}

const STATUS_CLASS: Record<number, string> = { 1: '1xx', 2: '2xx', 3: '3xx', 4: '4xx', 5: '5xx' };

/** The tenant as a label: configured tenants only (bounded), else `anonymous`. */
function tenantLabel(context: RequestContext): string {
  return context.tenant?.id ?? 'anonymous';
}
