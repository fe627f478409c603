import type {
  ProviderTimeouts,
  ProviderType,
  SimulatorFaults,
  SimulatorSettings,
} from '@app/providers/provider-config';
import type {
  BreakerConfig,
  ContextConfig,
  ConversationsConfig,
  HedgeConfig,
  PromptsConfig,
  QualityConfig,
  RetryBudgetConfig,
  RetryConfig,
  ServerConfig,
  StorageConfig,
} from './config.types';

/** The file read when GATEWAY_CONFIG is not set, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'config/gateway.yaml';

export const DEFAULT_SERVER: Readonly<ServerConfig> = {
  bodyLimitBytes: 4 * 1024 * 1024,
  heartbeatMs: 15_000,
  drainTimeoutMs: 30_000,
  allowDirectDeployments: true,
  metrics: true,
};

export const DEFAULT_RETRY: Readonly<RetryConfig> = {
  maxAttempts: 2,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  honorRetryAfter: true,
  maxRetryAfterMs: 30_000,
  order: 'fallback-first',
};

/**
 * Ten failures in a row: a deployment that is down trips it within its first few requests, one
 * that fails a third of its requests at random almost never does (0.3^10, about 6 in a million);
 * the failure rate (half of at least 20 calls in 30 s) catches the sick-but-not-dead one.
 */
export const DEFAULT_BREAKER: Readonly<BreakerConfig> = {
  consecutiveFailures: 10,
  failureRate: 0.5,
  windowMs: 30_000,
  minimumCalls: 20,
  coolDownMs: 15_000,
};

export const DEFAULT_RETRY_BUDGET: Readonly<RetryBudgetConfig> = {
  ratio: 0.2,
  windowMs: 10_000,
  minPerWindow: 10,
};

/** the clamp of percentile-based hedging; `afterMs` is used as given */
export const DEFAULT_HEDGE: Readonly<Pick<HedgeConfig, 'minMs' | 'maxMs'>> = {
  minMs: 50,
  maxMs: 10_000,
};

/** A route without `context` refuses (400) a request that cannot fit, before any upstream call. */
export const DEFAULT_CONTEXT: Readonly<ContextConfig> = {
  policy: 'reject',
  reserveOutputTokens: 1024,
  summaryPrompt: 'summarize-conversation',
  chunkTokens: 2_000,
  overlapTokens: 200,
  concurrency: 4,
};

/** One repair of an answer that fails its JSON schema, then a 502 `output_schema_mismatch`. */
export const DEFAULT_QUALITY: Readonly<QualityConfig> = {
  schemaRepairs: 1,
  onSchemaFailure: 'error',
};

export const DEFAULT_PROMPTS: Readonly<PromptsConfig> = { dir: 'prompts', watch: true };

export const DEFAULT_CONVERSATIONS: Readonly<ConversationsConfig> = {
  defaultModel: 'default',
  context: { ...DEFAULT_CONTEXT, policy: 'summarize' },
  maxMessageChars: 100_000,
};

export const DEFAULT_STORAGE: Readonly<StorageConfig> = { sqlitePath: 'data/gateway.db' };

export const DEFAULT_MAX_CONCURRENT = 256;
export const DEFAULT_MAX_QUEUE = 512;
export const DEFAULT_QUEUE_TIMEOUT_MS = 10_000;

export const DEFAULT_TIMEOUTS: Readonly<ProviderTimeouts> = {
  connectMs: 5_000,
  firstTokenMs: 60_000,
  idleMs: 30_000,
  totalMs: 600_000,
};

/** Upstream base URLs by type; azure-openai and openai-compatible have none (baseUrl required). */
export const DEFAULT_BASE_URLS: Readonly<Partial<Record<ProviderType, string>>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  ollama: 'http://127.0.0.1:11434',
};

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export const DEFAULT_SIMULATOR_FAULTS: Readonly<Required<SimulatorFaults>> = {
  rateLimit: 0,
  serverError: 0,
  unavailable: 0,
  overloaded: 0,
  streamCut: 0,
  stall: 0,
  stallMidStream: 0,
  stallMs: 0,
};

export const DEFAULT_SIMULATOR: Readonly<Omit<SimulatorSettings, 'faults'>> = {
  firstTokenMs: 50,
  tokensPerSecond: 200,
  seed: 1,
  defaultMaxTokens: 64,
};
