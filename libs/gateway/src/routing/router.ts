import { GatewayError, type ContextOptions, type Pricing } from '@app/core';
import { lookupModel, lookupPricing } from '@app/providers';
import {
  DEFAULT_QUALITY,
  DEFAULT_RETRY,
  type DeploymentConfig,
  type GatewayConfig,
  type HedgeConfig,
  type QualityConfig,
  type RouteConfig,
  type RetryConfig,
} from '../config';

/** One place a request can be sent: a deployment with the provider that serves it. */
export interface RouteTarget {
  deployment: DeploymentConfig;
  /** the type of the deployment's provider (`openai`, `anthropic`, ...) */
  providerType: string;
  /** the deployment's prices: its `pricing`, else the catalog's list price; unset when unknown */
  pricing?: Pricing;
  /**
   * The deployment's context window and output limit: from its config, else the model catalog;
   * undefined when neither knows (then no context-window step runs for it).
   */
  limits?: { contextWindow: number; maxOutputTokens: number };
}

/** What a model name resolves to: the ordered fallback chain and its retry policy. */
export interface ResolvedRoute {
  /** the route name, or the deployment name when a deployment was named directly */
  name: string;
  kind: 'route' | 'deployment';
  targets: RouteTarget[];
  retry: RetryConfig;
  /** the request deadline, ms from its start */
  timeoutMs?: number;
  hedge?: HedgeConfig;
  /** the route's context-window policy; unset: the caller's default (reject) */
  context?: ContextOptions;
  /**
   * the output checks' policy (JSON schema repairs, error or flag); the Router sets it on every
   * route (a deployment named directly: the defaults); a route built by hand may leave it out
   */
  quality?: QualityConfig;
}

/** a deployment named directly retries like a route with default settings */
const DIRECT_DEPLOYMENT_RETRY: RetryConfig = DEFAULT_RETRY;

/** Resolves the `model` a caller names to a route; built once from the validated config. */
export class Router {
  private readonly routes = new Map<string, ResolvedRoute>();

  constructor(config: GatewayConfig) {
    const providerTypes = new Map(config.providers.map((p) => [p.name, p.type]));
    const targets = new Map(
      config.deployments.map((d) => [d.name, targetOf(d, providerTypes.get(d.provider) ?? '')]),
    );
    for (const route of config.routes) {
      this.routes.set(route.name, resolveRoute(route, targets));
    }
    if (config.server.allowDirectDeployments) {
      for (const deployment of config.deployments) {
        if (!this.routes.has(deployment.name)) {
          this.routes.set(deployment.name, {
            name: deployment.name,
            kind: 'deployment',
            targets: [targets.get(deployment.name) as RouteTarget],
            retry: DIRECT_DEPLOYMENT_RETRY,
            quality: DEFAULT_QUALITY,
          });
        }
      }
    }
  }

  /** @throws GatewayError 404 `model_not_found` for a name that is neither a route nor exposed. */
  resolve(model: string): ResolvedRoute {
    const route = this.routes.get(model);
    if (!route) throw GatewayError.modelNotFound(model);
    return route;
  }

  /** every name a caller may use, routes first */
  list(): ResolvedRoute[] {
    return [...this.routes.values()];
  }
}

function resolveRoute(route: RouteConfig, known: Map<string, RouteTarget>): ResolvedRoute {
  const { name } = route;
  const targets = route.targets.map((deployment) => {
    const target = known.get(deployment);
    // the config validator already rejects this; the check keeps the type honest
    if (!target) throw new Error(`route ${name}: unknown deployment ${deployment}`);
    // a copy per place in the chain: the plan tells the targets apart by identity
    return { ...target };
  });
  const resolved: ResolvedRoute = {
    name,
    kind: 'route',
    targets,
    retry: route.retry,
    quality: route.quality ?? DEFAULT_QUALITY,
  };
  if (route.timeoutMs !== undefined) resolved.timeoutMs = route.timeoutMs;
  if (route.hedge !== undefined) resolved.hedge = route.hedge;
  if (route.context !== undefined) resolved.context = route.context;
  return resolved;
}

/**
 * A deployment as a route target, with its limits and prices from its config or the model catalog.
 */
function targetOf(deployment: DeploymentConfig, providerType: string): RouteTarget {
  const target: RouteTarget = { deployment, providerType };
  const pricing = deployment.pricing ?? lookupPricing(deployment.model);
  if (pricing !== undefined) target.pricing = pricing;
  const known = lookupModel(deployment.model);
  const contextWindow = deployment.contextWindow ?? known?.contextWindow;
  if (contextWindow === undefined) return target;
  const maxOutputTokens = Math.min(
    deployment.maxOutputTokens ?? known?.maxOutputTokens ?? contextWindow,
    contextWindow,
  );
  target.limits = { contextWindow, maxOutputTokens };
  return target;
}
