import { DEFAULT_CONVERSATIONS, DEFAULT_PROMPTS, DEFAULT_STORAGE } from './config.defaults';
import type {
  ConversationsConfig,
  PromptsConfig,
  RouteConfig,
  StorageConfig,
} from './config.types';
import type { ConfigPath } from './config-path';
import { CONTEXT_FIELDS, readContextPolicy } from './read-context-policy';
import { checkModelName } from './read-routes';
import type { ObjectReader } from './reader';

/** `prompts`: where the prompt templates live. */
export function readPrompts(root: ObjectReader): PromptsConfig {
  const r = root.object('prompts', ['dir', 'watch']);
  return {
    dir: r?.string('dir') ?? DEFAULT_PROMPTS.dir,
    watch: r?.boolean('watch') ?? DEFAULT_PROMPTS.watch,
  };
}

/** `conversations`: the defaults of server-side conversations. */
export function readConversations(
  root: ObjectReader,
  routes: readonly RouteConfig[],
  deploymentNames: ReadonlyMap<string, ConfigPath>,
): ConversationsConfig {
  const r = root.object('conversations', ['defaultModel', 'context', 'maxMessageChars']);
  const routeNames = new Set(routes.map((route) => route.name));
  const contextReader = r?.object('context', CONTEXT_FIELDS);
  const config: ConversationsConfig = {
    defaultModel: r?.string('defaultModel') ?? DEFAULT_CONVERSATIONS.defaultModel,
    context: readContextPolicy(contextReader, DEFAULT_CONVERSATIONS.context),
    maxMessageChars:
      r?.integer('maxMessageChars', { positive: true }) ?? DEFAULT_CONVERSATIONS.maxMessageChars,
  };
  if (r !== undefined) checkModelName(r, 'defaultModel', routeNames, deploymentNames);
  if (contextReader !== undefined) {
    checkModelName(contextReader, 'summarizeWith', routeNames, deploymentNames);
  }
  return config;
}

const SCHEMA_NAME = { regex: /^[a-z_][a-z0-9_]{0,62}$/, hint: 'a lowercase SQL identifier' };

const POSTGRES_URL = {
  regex: /^postgres(ql)?:\/\/\S+$/,
  hint: 'a postgres:// or postgresql:// URL',
};

/** `storage`: SQLite by default; PostgreSQL when `databaseUrl` (usually `${DATABASE_URL:-}`) is set. */
export function readStorage(root: ObjectReader): StorageConfig {
  const r = root.object('storage', ['sqlitePath', 'databaseUrl', 'schema']);
  const config: StorageConfig = {
    sqlitePath: r?.string('sqlitePath') ?? DEFAULT_STORAGE.sqlitePath,
  };
  const databaseUrl = r?.string('databaseUrl', { pattern: POSTGRES_URL, secret: true });
  if (databaseUrl !== undefined) config.databaseUrl = databaseUrl;
  const schema = r?.string('schema', { pattern: SCHEMA_NAME });
  if (schema !== undefined) config.schema = schema;
  return config;
}
