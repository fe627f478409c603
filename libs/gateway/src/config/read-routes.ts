import { DEFAULT_HEDGE, DEFAULT_QUALITY, DEFAULT_RETRY } from './config.defaults';
import type { HedgeConfig, QualityConfig, RetryConfig, RouteConfig } from './config.types';
import { type ConfigPath, formatPath } from './config-path';
import { MODEL_NAME } from './naming';
import type { ReadContext } from './read-context';
import { CONTEXT_FIELDS, readContextPolicy } from './read-context-policy';
import { ObjectReader, isMapping } from './reader';
import { didYouMean } from './suggest';

const ROUTE_FIELDS = [
  'description',
  'targets',
  'retry',
  'timeoutMs',
  'hedge',
  'context',
  'quality',
];
const HEDGE_FIELDS = ['afterMs', 'percentile', 'minMs', 'maxMs'];
const RETRY_FIELDS = Object.keys(DEFAULT_RETRY);
const QUALITY_FIELDS = Object.keys(DEFAULT_QUALITY);

/**
 * `routes`: a mapping of caller-facing model names to fallback chains of deployments. Route names
 * share one namespace with deployment names (callers may name either).
 */
export function readRoutes(
  context: ReadContext,
  path: ConfigPath,
  value: unknown,
  deploymentNames: ReadonlyMap<string, ConfigPath>,
): RouteConfig[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) {
    context.report(path, 'must be a mapping of route names to routes');
    return [];
  }
  const routes: RouteConfig[] = [];
  const routeNames = new Set(Object.keys(value));
  for (const [name, item] of Object.entries(value)) {
    const routePath = [...path, name];
    if (!MODEL_NAME.regex.test(name)) {
      context.report(routePath, `route name must be ${MODEL_NAME.hint}`);
    }
    const clash = deploymentNames.get(name);
    if (clash !== undefined) {
      context.report(
        routePath,
        `route name is also a deployment name (${formatPath(clash)}); callers could not tell them apart`,
      );
    }
    const r = ObjectReader.of(context, routePath, item, ROUTE_FIELDS);
    if (r === undefined) continue;
    const route: RouteConfig = {
      name,
      targets: readTargets(r, deploymentNames, routeNames),
      retry: readRetry(r.object('retry', RETRY_FIELDS)),
      quality: readQuality(r.object('quality', QUALITY_FIELDS)),
    };
    const description = r.string('description');
    if (description !== undefined) route.description = description;
    const timeoutMs = r.integer('timeoutMs', { positive: true });
    if (timeoutMs !== undefined) route.timeoutMs = timeoutMs;
    const hedge = readHedge(r.object('hedge', HEDGE_FIELDS));
    if (hedge !== undefined) route.hedge = hedge;
    const contextReader = r.object('context', CONTEXT_FIELDS);
    if (contextReader !== undefined) {
      route.context = readContextPolicy(contextReader);
      checkModelName(contextReader, 'summarizeWith', routeNames, deploymentNames);
    }
    routes.push(route);
  }
  return routes;
}

/** A field that must name a route or a deployment. */
export function checkModelName(
  r: ObjectReader,
  key: string,
  routeNames: ReadonlySet<string>,
  deploymentNames: ReadonlyMap<string, ConfigPath>,
): void {
  const name = r.value(key);
  if (typeof name !== 'string' || name === '') return;
  if (routeNames.has(name) || deploymentNames.has(name)) return;
  const known = [...routeNames, ...deploymentNames.keys()];
  r.context.report(
    r.at(key),
    `${r.context.quote(r.at(key), name)} is neither a route nor a deployment (${didYouMean(name, known)})`,
  );
}

function readTargets(
  r: ObjectReader,
  deploymentNames: ReadonlyMap<string, ConfigPath>,
  routeNames: ReadonlySet<string>,
): string[] {
  const list = r.list('targets', { nonEmpty: true }) ?? [];
  const targets: string[] = [];
  const known = [...deploymentNames.keys()];
  list.forEach((target, index) => {
    const path = [...r.at('targets'), index];
    if (r.context.isUnresolved(path)) return;
    if (typeof target !== 'string' || target === '') {
      r.context.report(path, 'must be a deployment name');
      return;
    }
    const quoted = r.context.quote(path, target);
    if (!deploymentNames.has(target) && routeNames.has(target)) {
      r.context.report(path, `${quoted} is a route; targets must name deployments`);
    } else if (!deploymentNames.has(target)) {
      r.context.report(path, `deployment ${quoted} is not defined (${didYouMean(target, known)})`);
    } else if (targets.includes(target)) {
      r.context.report(path, `deployment ${quoted} is already in this route's targets`);
    }
    targets.push(target);
  });
  return targets;
}

function readRetry(r: ObjectReader | undefined): RetryConfig {
  const retry: RetryConfig = {
    maxAttempts: r?.integer('maxAttempts', { min: 1, max: 10 }) ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: r?.integer('baseDelayMs', { min: 0 }) ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: r?.integer('maxDelayMs', { min: 0 }) ?? DEFAULT_RETRY.maxDelayMs,
    honorRetryAfter: r?.boolean('honorRetryAfter') ?? DEFAULT_RETRY.honorRetryAfter,
    maxRetryAfterMs: r?.integer('maxRetryAfterMs', { min: 0 }) ?? DEFAULT_RETRY.maxRetryAfterMs,
    order: readOrder(r),
  };
  if (r !== undefined && retry.maxDelayMs < retry.baseDelayMs) {
    r.context.report(r.at('maxDelayMs'), `must be at least baseDelayMs (${retry.baseDelayMs})`);
  }
  return retry;
}

/** `hedge`: exactly one of `afterMs` (fixed) and `percentile` (of the deployment's recent latency). */
function readHedge(r: ObjectReader | undefined): HedgeConfig | undefined {
  if (r === undefined) return undefined;
  const afterMs = r.integer('afterMs', { min: 1 });
  const percentile = r.number('percentile', { min: 1, max: 99.9 });
  const hedge: HedgeConfig = {
    minMs: r.integer('minMs', { min: 1 }) ?? DEFAULT_HEDGE.minMs,
    maxMs: r.integer('maxMs', { min: 1 }) ?? DEFAULT_HEDGE.maxMs,
  };
  if (afterMs !== undefined) hedge.afterMs = afterMs;
  if (percentile !== undefined) hedge.percentile = percentile;
  if (r.has('afterMs') === r.has('percentile')) {
    r.context.report(r.path, 'needs exactly one of afterMs and percentile');
  }
  if (hedge.maxMs < hedge.minMs) {
    r.context.report(r.at('maxMs'), `must be at least minMs (${hedge.minMs})`);
  }
  return hedge;
}

const SCHEMA_FAILURE_POLICIES = ['error', 'flag'] as const;

/** `quality`: the output checks' policy; every route gets the defaults of what it leaves out. */
function readQuality(r: ObjectReader | undefined): QualityConfig {
  const policy = r?.string('onSchemaFailure', { oneOf: SCHEMA_FAILURE_POLICIES });
  return {
    schemaRepairs: r?.integer('schemaRepairs', { min: 0, max: 3 }) ?? DEFAULT_QUALITY.schemaRepairs,
    onSchemaFailure:
      SCHEMA_FAILURE_POLICIES.find((known) => known === policy) ?? DEFAULT_QUALITY.onSchemaFailure,
  };
}

const RETRY_ORDERS = ['fallback-first', 'retry-first'] as const;

function readOrder(r: ObjectReader | undefined): RetryConfig['order'] {
  const text = r?.string('order', { oneOf: RETRY_ORDERS });
  return RETRY_ORDERS.find((order) => order === text) ?? DEFAULT_RETRY.order;
}
