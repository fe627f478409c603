/** Fixed facts of the Anthropic Messages API the client relies on. */

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Sent as `anthropic-version` unless the provider config sets `anthropicVersion`. */
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';

export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';

/**
 * `max_tokens` is required by Anthropic while it is optional in the gateway's (OpenAI-shaped) API:
 * a request without `maxTokens` asks for at most this many output tokens. 4096 is within the
 * output limit of every current Claude model.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
