import {
  PROVIDER_TYPES,
  type ProviderConfig,
  type ProviderType,
} from '@app/providers/provider-config';
import {
  DEFAULT_ANTHROPIC_VERSION,
  DEFAULT_AZURE_API_VERSION,
  DEFAULT_BASE_URLS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_MAX_QUEUE,
  DEFAULT_QUEUE_TIMEOUT_MS,
} from './config.defaults';
import type { ConfigPath } from './config-path';
import { ID_NAME, PROVIDER_NAME, checkUnique, type NamedAt } from './naming';
import type { ReadContext } from './read-context';
import { readSimulator } from './read-simulator';
import { readTimeouts } from './read-timeouts';
import { ObjectReader } from './reader';
import { normaliseBaseUrl } from './url';

const PROVIDER_FIELDS = [
  'name',
  'type',
  'baseUrl',
  'apiKey',
  'region',
  'maxConcurrent',
  'maxQueue',
  'queueTimeoutMs',
  'headers',
  'timeouts',
  'apiVersion',
  'anthropicVersion',
  'simulator',
];

type Need = 'required' | 'optional' | 'forbidden';

/** Which connection fields each provider type takes. */
const CONNECTION: Record<ProviderType, { baseUrl: Need; apiKey: Need }> = {
  openai: { baseUrl: 'optional', apiKey: 'required' },
  'azure-openai': { baseUrl: 'required', apiKey: 'required' },
  anthropic: { baseUrl: 'optional', apiKey: 'required' },
  gemini: { baseUrl: 'optional', apiKey: 'required' },
  ollama: { baseUrl: 'optional', apiKey: 'optional' },
  'openai-compatible': { baseUrl: 'required', apiKey: 'optional' },
  simulator: { baseUrl: 'forbidden', apiKey: 'forbidden' },
};

/** Fields that belong to one provider type only. */
const TYPE_ONLY: Record<string, ProviderType> = {
  apiVersion: 'azure-openai',
  anthropicVersion: 'anthropic',
  simulator: 'simulator',
};

const HEADER_NAME = { regex: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, hint: 'a valid HTTP header name' };
const DATE_VERSION = {
  regex: /^\d{4}-\d{2}-\d{2}(-preview)?$/,
  hint: 'a dated API version such as 2024-10-21 or 2025-04-01-preview',
};

export interface ProvidersResult {
  providers: ProviderConfig[];
  /** every provider name given, valid entry or not (references to them are not re-reported) */
  names: Set<string>;
}

export function readProviders(
  context: ReadContext,
  path: ConfigPath,
  list: unknown[],
): ProvidersResult {
  const providers: ProviderConfig[] = [];
  const named: NamedAt[] = [];
  list.forEach((item, index) => {
    const entry = readProvider(context, [...path, index], item);
    if (entry.name !== undefined) named.push({ name: entry.name, path: [...path, index, 'name'] });
    if (entry.config !== undefined) providers.push(entry.config);
  });
  checkUnique(context, named, 'provider name');
  return { providers, names: new Set(named.map((entry) => entry.name)) };
}

function readProvider(
  context: ReadContext,
  path: ConfigPath,
  value: unknown,
): { name?: string; config?: ProviderConfig } {
  const r = ObjectReader.of(context, path, value, PROVIDER_FIELDS);
  if (r === undefined) return {};
  const name = r.string('name', { required: true, pattern: PROVIDER_NAME });
  const typeText = r.string('type', { required: true, oneOf: PROVIDER_TYPES });
  const type = PROVIDER_TYPES.find((candidate) => candidate === typeText);
  const region = r.string('region', { pattern: ID_NAME });
  const maxConcurrent = r.integer('maxConcurrent', { positive: true }) ?? DEFAULT_MAX_CONCURRENT;
  const maxQueue = r.integer('maxQueue', { min: 0 }) ?? DEFAULT_MAX_QUEUE;
  const queueTimeoutMs = r.integer('queueTimeoutMs', { min: 0 }) ?? DEFAULT_QUEUE_TIMEOUT_MS;
  const timeouts = readTimeouts(r);
  if (type === undefined) return { name };

  for (const [field, owner] of Object.entries(TYPE_ONLY)) {
    if (owner !== type) r.forbid(field, `only valid for type ${owner}`);
  }
  const config: ProviderConfig = {
    name: name ?? '',
    type,
    ...readConnection(r, type),
    maxConcurrent,
    maxQueue,
    queueTimeoutMs,
    timeouts,
    headers: {},
  };
  if (region !== undefined) config.region = region;
  if (type === 'simulator') {
    r.forbid('headers', 'not used by type simulator');
    config.simulator = readSimulator(r);
  } else {
    config.headers = r.stringMap('headers', { keyPattern: HEADER_NAME }) ?? {};
  }
  if (type === 'azure-openai') {
    config.apiVersion =
      r.string('apiVersion', { pattern: DATE_VERSION }) ?? DEFAULT_AZURE_API_VERSION;
  }
  if (type === 'anthropic') {
    config.anthropicVersion =
      r.string('anthropicVersion', { pattern: DATE_VERSION }) ?? DEFAULT_ANTHROPIC_VERSION;
  }
  return { name, config: name === undefined ? undefined : config };
}

function readConnection(
  r: ObjectReader,
  type: ProviderType,
): Pick<ProviderConfig, 'baseUrl' | 'apiKey'> {
  const need = CONNECTION[type];
  const requiredMessage = `is required for type ${type}`;
  const out: Pick<ProviderConfig, 'baseUrl' | 'apiKey'> = {};
  if (need.baseUrl === 'forbidden') r.forbid('baseUrl', `not used by type ${type}`);
  else {
    const text = r.string('baseUrl', { required: need.baseUrl === 'required' && requiredMessage });
    const checked = text === undefined ? undefined : normaliseBaseUrl(text);
    if (checked !== undefined && 'problem' in checked) {
      r.context.report(r.at('baseUrl'), checked.problem);
    }
    const url = checked !== undefined && 'url' in checked ? checked.url : DEFAULT_BASE_URLS[type];
    if (url !== undefined) out.baseUrl = url;
  }
  if (need.apiKey === 'forbidden') r.forbid('apiKey', `not used by type ${type}`);
  else {
    const required = need.apiKey === 'required' && requiredMessage;
    const apiKey = r.string('apiKey', { required, secret: true });
    if (apiKey !== undefined) out.apiKey = apiKey;
  }
  return out;
}
