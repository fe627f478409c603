import type { ProviderConfig } from '../provider-config';
import { HttpTransport, type ErrorBodyParser } from './http-transport';

export interface ProviderTransportInit {
  /** used when the config names no base URL; without either, construction fails */
  defaultBaseUrl?: string;
  /** the provider's own headers (auth, API version); the config's extra headers win over them */
  headers: Record<string, string>;
  parseErrorBody: ErrorBodyParser;
}

/** The HttpTransport for one configured provider: its URL, pool size, timeouts and key. */
export function providerTransport(
  config: ProviderConfig,
  init: ProviderTransportInit,
): HttpTransport {
  const baseUrl = config.baseUrl ?? init.defaultBaseUrl;
  if (!baseUrl) throw new Error(`provider ${config.name}: baseUrl is required`);
  return new HttpTransport({
    provider: config.name,
    baseUrl,
    maxConcurrent: config.maxConcurrent,
    timeouts: config.timeouts,
    headers: { ...init.headers, ...config.headers },
    parseErrorBody: init.parseErrorBody,
    secrets: [config.apiKey],
  });
}
