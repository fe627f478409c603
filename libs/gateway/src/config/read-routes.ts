import { DEFAULT_RETRY } from './config.defaults';
import type { RetryConfig, RouteConfig } from './config.types';
import { type ConfigPath, formatPath } from './config-path';
import { MODEL_NAME } from './naming';
import type { ReadContext } from './read-context';
import { ObjectReader, isMapping } from './reader';
import { didYouMean } from './suggest';

const ROUTE_FIELDS = ['description', 'targets', 'retry'];
const RETRY_FIELDS = Object.keys(DEFAULT_RETRY);

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
    };
    const description = r.string('description');
    if (description !== undefined) route.description = description;
    routes.push(route);
  }
  return routes;
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
  };
  if (r !== undefined && retry.maxDelayMs < retry.baseDelayMs) {
    r.context.report(r.at('maxDelayMs'), `must be at least baseDelayMs (${retry.baseDelayMs})`);
  }
  return retry;
}
