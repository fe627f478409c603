import type { GatewayConfig } from './config.types';
import { KeyRegistry, readAuth, readTenants } from './read-auth';
import { readConversations, readPrompts, readStorage } from './read-conversations';
import type { ReadContext } from './read-context';
import { readDeployments } from './read-deployments';
import { readProviders } from './read-providers';
import { readResilience } from './read-resilience';
import { readRoutes } from './read-routes';
import { readServer } from './read-server';
import { ObjectReader } from './reader';

const ROOT_FIELDS = [
  'server',
  'auth',
  'resilience',
  'providers',
  'deployments',
  'routes',
  'tenants',
  'prompts',
  'conversations',
  'storage',
];

/**
 * Validates an interpolated configuration tree and fills in defaults. Problems are reported to
 * `context`; the result is only meaningful when none were.
 */
export function readGatewayConfig(
  context: ReadContext,
  tree: unknown,
  source: string,
): GatewayConfig | undefined {
  if (tree === undefined || tree === null) {
    context.report([], 'the configuration is empty');
    return undefined;
  }
  const root = ObjectReader.of(context, [], tree, ROOT_FIELDS);
  if (root === undefined) return undefined;
  const keys = new KeyRegistry();
  const server = readServer(root);
  const auth = readAuth(root, keys);
  const resilience = readResilience(root);
  const { providers, names: providerNames } = readProviders(
    context,
    root.at('providers'),
    root.list('providers', { nonEmpty: true }) ?? [],
  );
  const { deployments, names: deploymentNames } = readDeployments(
    context,
    root.at('deployments'),
    root.list('deployments', { nonEmpty: true }) ?? [],
    providers,
    providerNames,
    resilience.breaker,
  );
  const routes = readRoutes(context, root.at('routes'), root.value('routes'), deploymentNames);
  const tenants = readTenants(root, keys);
  keys.check(context);
  const prompts = readPrompts(root);
  const conversations = readConversations(root, routes, deploymentNames);
  const storage = readStorage(root);
  return {
    source,
    server,
    auth,
    providers,
    deployments,
    routes,
    tenants,
    resilience,
    prompts,
    conversations,
    storage,
  };
}
