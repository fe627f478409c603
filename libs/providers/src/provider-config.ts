/** Settings of one upstream provider, as validated from the `providers:` list of the config. */

export const PROVIDER_TYPES = [
  'openai',
  'azure-openai',
  'anthropic',
  'gemini',
  'ollama',
  'openai-compatible',
  'simulator',
] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderTimeouts {
  /** TCP/TLS connection establishment */
  connectMs: number;
  /** streams: from sending the request to the first streamed event */
  firstTokenMs: number;
  /** longest gap allowed between two streamed events */
  idleMs: number;
  /** the whole upstream call (the only limit on a non-streamed response) */
  totalMs: number;
}

/** Faults the simulator injects, each a probability in [0, 1], drawn from its seeded generator. */
export interface SimulatorFaults {
  /** answer 429 with a retry hint */
  rateLimit?: number;
  /** answer 500 */
  serverError?: number;
  /** answer 503 */
  unavailable?: number;
  /** answer 529 (Anthropic-style overload) */
  overloaded?: number;
  /** cut a stream after a few chunks */
  streamCut?: number;
  /** the length of a stall (either kind), ms */
  stallMs?: number;
  /** probability of a stall before the first token */
  stall?: number;
  /** probability of a stall in the middle of a stream, after 1..4 chunks (complete(): a later answer) */
  stallMidStream?: number;
}

export interface SimulatorSettings {
  /** delay before the first token, ms */
  firstTokenMs: number;
  /** streaming speed after the first token */
  tokensPerSecond: number;
  /** seed of the deterministic generator; the same seed and prompt give the same reply */
  seed: number;
  /** reply length when the request sets no max_tokens */
  defaultMaxTokens: number;
  faults: SimulatorFaults;
}

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  /** upstream base URL; each type has a default except azure-openai and openai-compatible */
  baseUrl?: string;
  /** resolved secret; never logged */
  apiKey?: string;
  /** residency tag, e.g. `eu`, `us` */
  region?: string;
  /** most in-flight requests to this provider (also the keep-alive socket pool size) */
  maxConcurrent: number;
  /** requests that may wait for a free slot when `maxConcurrent` are in flight (the gateway's bulkhead) */
  maxQueue: number;
  /** longest wait in that queue before the request is refused with 503 */
  queueTimeoutMs: number;
  timeouts: ProviderTimeouts;
  /** extra headers sent on every upstream request (e.g. OpenAI-Organization) */
  headers: Record<string, string>;
  /** azure-openai: the `api-version` query parameter */
  apiVersion?: string;
  /** anthropic: the `anthropic-version` header */
  anthropicVersion?: string;
  /** simulator settings (type simulator only) */
  simulator?: SimulatorSettings;
}
