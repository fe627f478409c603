import type { ContextOptions, Pricing } from '@app/core';
import type { ProviderConfig } from '@app/providers/provider-config';

/** The validated gateway configuration: every defaulted field is filled in. */
export interface GatewayConfig {
  /** where the configuration was read from (a file path or a test's source name) */
  source: string;
  server: ServerConfig;
  auth: AuthConfig;
  /** upstream providers, in file order */
  providers: ProviderConfig[];
  /** models on providers, in file order */
  deployments: DeploymentConfig[];
  /** the model names callers use, in file order */
  routes: RouteConfig[];
  tenants: TenantConfig[];
  /** defaults of the per-deployment circuit breakers and retry budgets */
  resilience: ResilienceConfig;
  prompts: PromptsConfig;
  conversations: ConversationsConfig;
  storage: StorageConfig;
}

/** The prompt template registry (libs/templates). */
export interface PromptsConfig {
  /** the folder of prompt templates, relative to the working directory */
  dir: string;
  /** reload templates when their files change */
  watch: boolean;
}

/** Server-side conversations (`/v1/conversations`). */
export interface ConversationsConfig {
  /** the route a conversation uses when it names none */
  defaultModel: string;
  /** how a conversation's history is kept within the window when its route sets no `context` */
  context: ContextConfig;
  /** longest user message accepted, in characters */
  maxMessageChars: number;
}

/** Where the gateway keeps state: SQLite by default; PostgreSQL when DATABASE_URL is set. */
export interface StorageConfig {
  /** the SQLite file (`:memory:` for none) */
  sqlitePath: string;
  /** a postgres:// URL (from DATABASE_URL); overrides sqlitePath */
  databaseUrl?: string;
  /** PostgreSQL: the schema the tables live in (created if missing); default the search path's */
  schema?: string;
}

/** How a request that does not fit a deployment's context window is made to fit. */
export type ContextConfig = ContextOptions;

export interface ResilienceConfig {
  /** the breaker of every deployment that does not set its own */
  breaker: BreakerConfig;
  retryBudget: RetryBudgetConfig;
}

/** A deployment's circuit breaker: opens on either trigger, probes after the cool-down. */
export interface BreakerConfig {
  /** consecutive upstream failures that open it; 0 disables this trigger */
  consecutiveFailures: number;
  /** failure share (0..1) over `windowMs` that opens it; 0 disables this trigger */
  failureRate: number;
  windowMs: number;
  /** fewest calls in the window before `failureRate` can open it */
  minimumCalls: number;
  /** how long it stays open before one probe is let through */
  coolDownMs: number;
}

/** Retries and hedges to one deployment are capped at a share of its recent requests. */
export interface RetryBudgetConfig {
  /** retries + hedges allowed per request in the window (0.2 = 20%) */
  ratio: number;
  windowMs: number;
  /** retries always allowed per window, so a quiet deployment can still retry */
  minPerWindow: number;
}

export interface ServerConfig {
  /** largest accepted request body; larger ones get 413 */
  bodyLimitBytes: number;
  /** interval of SSE comment heartbeats while waiting for tokens; 0 disables them */
  heartbeatMs: number;
  /** on shutdown, how long in-flight requests may take to finish */
  drainTimeoutMs: number;
  /** whether callers may name a deployment directly as `model`, not only a route */
  allowDirectDeployments: boolean;
  /** record the request metrics and serve `GET /metrics` */
  metrics: boolean;
}

export interface AuthConfig {
  /** serve requests without an API key even when listening on a non-loopback address */
  allowAnonymous: boolean;
  /** static keys not bound to a tenant */
  apiKeys: ApiKeyConfig[];
}

export interface ApiKeyConfig {
  /** a name for the key, used in logs, audit and usage (never the key itself) */
  id: string;
  /** SHA-256 of the key, 64 lowercase hex characters */
  sha256: string;
}

export interface DeploymentConfig {
  name: string;
  /** the name of a provider */
  provider: string;
  /** the upstream model (for azure-openai: the Azure deployment name) */
  model: string;
  /** residency tag: the deployment's own `region`, else its provider's; unset when neither has one */
  region?: string;
  /** context window in tokens */
  contextWindow?: number;
  /** most output tokens the model produces */
  maxOutputTokens?: number;
  pricing?: PricingConfig;
  /** this deployment's breaker: `resilience.breaker` with the deployment's own overrides */
  breaker: BreakerConfig;
}

/** Prices in USD per million tokens (cached input and cache writes default to the input price). */
export type PricingConfig = Pricing;

export interface RouteConfig {
  /** what callers put in `model` */
  name: string;
  description?: string;
  /** deployment names; the order is the fallback chain */
  targets: string[];
  retry: RetryConfig;
  /** the whole request's deadline, ms; a caller's `x-gateway-timeout-ms` can only shorten it */
  timeoutMs?: number;
  /** start the next target too when the first has not answered in time */
  hedge?: HedgeConfig;
  /** fitting requests to each target's context window; unset: `reject` with the defaults */
  context?: ContextConfig;
  /**
   * The output checks' policy (JSON schema repairs, what an answer that still fails gets). The
   * config reader sets it on every route; a route built by hand without it gets DEFAULT_QUALITY.
   */
  quality?: QualityConfig;
}

/** What the gateway does with an answer that fails its `response_format` (paper 7.3). */
export interface QualityConfig {
  /** repair requests (the errors sent back to the model) before giving up, 0..3 */
  schemaRepairs: number;
  /**
   * an answer still invalid after the repairs: `error` fails the request (502
   * `output_schema_mismatch`), `flag` returns it marked `schema=invalid; flagged=true`
   */
  onSchemaFailure: 'error' | 'flag';
}

/**
 * Hedged requests (The Tail at Scale): after `afterMs`, or the deployment's recent latency at
 * `percentile` (clamped to minMs..maxMs; `afterMs`-less hedging waits for enough samples), a
 * second attempt starts on the next target (the same one when the route has one target).
 */
export interface HedgeConfig {
  afterMs?: number;
  percentile?: number;
  minMs: number;
  maxMs: number;
}

export interface RetryConfig {
  /** most attempts on each target, the first one included (1 = no retry) */
  maxAttempts: number;
  /** first backoff delay; it doubles per retry, with jitter */
  baseDelayMs: number;
  /** cap of one backoff delay */
  maxDelayMs: number;
  /** wait as long as the upstream's retry hint says (capped by the request deadline) */
  honorRetryAfter: boolean;
  /** a hint longer than this is not waited for: the next target is tried instead */
  maxRetryAfterMs: number;
  /**
   * `fallback-first`: after a failure the next target goes at once, and retries come after every
   * target was tried; `retry-first`: a target is retried up to maxAttempts before the next one
   */
  order: 'fallback-first' | 'retry-first';
}

export interface TenantConfig {
  id: string;
  apiKeys: ApiKeyConfig[];
}
