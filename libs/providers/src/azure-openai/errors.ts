import type { UpstreamErrorDetails } from '../transport';
import { isObject } from '../wire/json-guards';
import { openAiErrorObject, parseOpenAiError } from '../openai';

/**
 * Azure error bodies are OpenAI-shaped with extras: a content-filter rejection carries
 * `innererror.content_filter_result` with the categories that fired, and a 429 often says
 * "Please retry after N seconds" in its message only (the transport prefers the headers).
 */
export function parseAzureOpenAiError(body: unknown, status: number): UpstreamErrorDetails {
  const details = parseOpenAiError(body, status);
  const error = openAiErrorObject(body);
  const filtered = error === undefined ? [] : filteredCategories(error.innererror);
  if (filtered.length > 0)
    details.message = `${details.message} (filtered: ${filtered.join(', ')})`;
  const wait = /retry after (\d+(?:\.\d+)?) seconds?/i.exec(details.message);
  if (wait) details.retryAfterMs = Math.round(Number(wait[1]) * 1000);
  return details;
}

/** `hate=medium`, `jailbreak` ... for every category with `filtered: true`. */
function filteredCategories(innererror: unknown): string[] {
  if (!isObject(innererror) || !isObject(innererror.content_filter_result)) return [];
  return Object.entries(innererror.content_filter_result)
    .filter(([, result]) => isObject(result) && result.filtered === true)
    .map(([category, result]) =>
      isObject(result) && typeof result.severity === 'string'
        ? `${category}=${result.severity}`
        : category,
    );
}
