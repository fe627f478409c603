import type { OpenAiDialect } from '../openai';

/** The latest generally available data-plane version; used when the config names none. */
export const AZURE_OPENAI_DEFAULT_API_VERSION = '2024-10-21';

/**
 * What Azure accepts depends on the `api-version`:
 * - `max_completion_tokens` and `stream_options` exist from 2024-09-01-preview on (and in the
 *   2024-10-21 GA); older versions reject both as unrecognised arguments, so they get `max_tokens`
 *   and a stream without a usage chunk (the gateway then counts the tokens itself);
 * - the `developer` role exists from 2024-12-01-preview on; before, it is sent as `system`.
 * A version that is not date-shaped (`preview`, `latest`, `v1`) is taken as the newest.
 */
export function azureOpenAiDialect(apiVersion: string): OpenAiDialect {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(apiVersion)?.[0] ?? '9999-12-31';
  const modern = date >= '2024-09-01';
  return {
    maxTokensField: modern ? 'max_completion_tokens' : 'max_tokens',
    developerRole: date >= '2024-12-01' ? 'developer' : 'system',
    flattenTextParts: false,
    streamUsageOption: modern,
    requireDone: true,
  };
}

/** `/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}` */
export function azureChatPath(deployment: string, apiVersion: string): string {
  return (
    `/openai/deployments/${encodeURIComponent(deployment)}/chat/completions` +
    `?api-version=${encodeURIComponent(apiVersion)}`
  );
}
