import type { ProviderConfig } from '@app/providers/provider-config';
import type { BreakerConfig, DeploymentConfig, PricingConfig } from './config.types';
import type { ConfigPath } from './config-path';
import { ID_NAME, MODEL_NAME, checkUnique, type NamedAt } from './naming';
import type { ReadContext } from './read-context';
import { BREAKER_FIELDS, readBreaker } from './read-resilience';
import { ObjectReader } from './reader';
import { didYouMean } from './suggest';

const DEPLOYMENT_FIELDS = [
  'name',
  'provider',
  'model',
  'region',
  'contextWindow',
  'maxOutputTokens',
  'pricing',
  'breaker',
];
const PRICING_FIELDS = [
  'inputPerMTok',
  'cachedInputPerMTok',
  'cacheWritePerMTok',
  'outputPerMTok',
  'reasoningPerMTok',
];
const PRICE = { min: 0 };

export interface DeploymentsResult {
  deployments: DeploymentConfig[];
  /** every deployment name given, valid entry or not, mapped to where it was defined */
  names: Map<string, ConfigPath>;
}

/**
 * `deployments`: each names a defined provider; `region` defaults to the provider's, `breaker`
 * fields to `resilience.breaker`.
 * `providerNames` holds every provider name given, so that a broken provider entry is reported
 * once, not again by each deployment on it.
 */
export function readDeployments(
  context: ReadContext,
  path: ConfigPath,
  list: unknown[],
  providers: readonly ProviderConfig[],
  providerNames: ReadonlySet<string>,
  breakerDefaults: BreakerConfig,
): DeploymentsResult {
  const deployments: DeploymentConfig[] = [];
  const named: NamedAt[] = [];
  list.forEach((item, index) => {
    const r = ObjectReader.of(context, [...path, index], item, DEPLOYMENT_FIELDS);
    if (r === undefined) return;
    const name = r.string('name', { required: true, pattern: MODEL_NAME });
    if (name !== undefined) named.push({ name, path: r.at('name') });
    const provider = r.string('provider', { required: true });
    if (provider !== undefined && !providerNames.has(provider)) {
      const hint = didYouMean(provider, [...providerNames]);
      const quoted = context.quote(r.at('provider'), provider);
      context.report(r.at('provider'), `provider ${quoted} is not defined (${hint})`);
    }
    const deployment: DeploymentConfig = {
      name: name ?? '',
      provider: provider ?? '',
      model: r.string('model', { required: true }) ?? '',
      breaker: readBreaker(r.object('breaker', BREAKER_FIELDS), breakerDefaults),
    };
    const region =
      r.string('region', { pattern: ID_NAME }) ??
      providers.find((candidate) => candidate.name === provider)?.region;
    if (region !== undefined) deployment.region = region;
    const contextWindow = r.integer('contextWindow', { positive: true });
    if (contextWindow !== undefined) deployment.contextWindow = contextWindow;
    const maxOutputTokens = r.integer('maxOutputTokens', { positive: true });
    if (maxOutputTokens !== undefined) deployment.maxOutputTokens = maxOutputTokens;
    if (
      contextWindow !== undefined &&
      maxOutputTokens !== undefined &&
      maxOutputTokens > contextWindow
    ) {
      context.report(r.at('maxOutputTokens'), `must not exceed contextWindow (${contextWindow})`);
    }
    const pricing = readPricing(r.object('pricing', PRICING_FIELDS));
    if (pricing !== undefined) deployment.pricing = pricing;
    deployments.push(deployment);
  });
  checkUnique(context, named, 'deployment name');
  const names = new Map<string, ConfigPath>();
  for (const entry of named) if (!names.has(entry.name)) names.set(entry.name, entry.path);
  return { deployments, names };
}

/** Cached input and cache writes are charged like input, reasoning like output, unless priced separately. */
function readPricing(r: ObjectReader | undefined): PricingConfig | undefined {
  if (r === undefined) return undefined;
  const inputPerMTok = r.number('inputPerMTok', { required: true, ...PRICE }) ?? 0;
  const pricing: PricingConfig = {
    inputPerMTok,
    cachedInputPerMTok: r.number('cachedInputPerMTok', PRICE) ?? inputPerMTok,
    cacheWritePerMTok: r.number('cacheWritePerMTok', PRICE) ?? inputPerMTok,
    outputPerMTok: r.number('outputPerMTok', { required: true, ...PRICE }) ?? 0,
  };
  const reasoning = r.number('reasoningPerMTok', PRICE);
  if (reasoning !== undefined) pricing.reasoningPerMTok = reasoning;
  return pricing;
}
