/**
 * The OpenTelemetry semantic-convention names the gateway's spans use.
 *
 * The GenAI conventions are still "incubating". The semantic-conventions package asks code not to
 * import `@opentelemetry/semantic-conventions/incubating` at run time (it may break in a minor
 * release, and it is a large module to load) but to copy the definitions it uses; so they are
 * copied here, and `semconv.spec.ts` checks each one against the pinned package.
 */

// ---- GenAI (incubating) -------------------------------------------------------------------------

export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_PROVIDER_NAME_VALUE_OPENAI = 'openai';
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI = 'azure.ai.openai';
export const GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC = 'anthropic';
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI = 'gcp.gemini';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

// ---- stable -------------------------------------------------------------------------------------

export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';

// ---- the gateway's own ----------------------------------------------------------------------------

/** Attributes of the gateway's own (not in the conventions), all under `gateway.`. */
export const GATEWAY_ATTR = {
  requestId: 'gateway.request.id',
  tenant: 'gateway.tenant',
  route: 'gateway.route',
  deployment: 'gateway.deployment',
  provider: 'gateway.provider',
  region: 'gateway.region',
  attempts: 'gateway.attempts',
  fallback: 'gateway.fallback',
  hedged: 'gateway.hedged',
  attemptKind: 'gateway.attempt.kind',
  attemptOutcome: 'gateway.attempt.outcome',
  usageEstimated: 'gateway.usage.estimated',
  costUsd: 'gateway.cost_usd',
  billedInputTokens: 'gateway.billed.input_tokens',
  billedOutputTokens: 'gateway.billed.output_tokens',
  billedEstimated: 'gateway.billed.estimated',
  streamOutcome: 'gateway.stream.outcome',
  ttftMs: 'gateway.ttft_ms',
} as const;

/** The request span's events, one per attempt after the first (by the attempt's kind). */
export const GATEWAY_EVENT = {
  retry: 'gen_ai.gateway.retry',
  fallback: 'gen_ai.gateway.fallback',
  hedge: 'gen_ai.gateway.hedge',
} as const;

/**
 * `gen_ai.provider.name` by the gateway's provider type: the conventions' value where there is one;
 * otherwise the lower-case names the Prometheus metrics use too (`ollama`, `openai_compatible`,
 * `simulator`), as the conventions allow for a provider they do not list.
 */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  'azure-openai': GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  anthropic: GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  gemini: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  ollama: 'ollama',
  'openai-compatible': 'openai_compatible',
  simulator: 'simulator',
};

export function genAiProviderName(providerType: string): string {
  return PROVIDER_NAMES[providerType] ?? providerType.replace(/-/g, '_');
}
