import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from './config-error';
import { DEFAULT_CONFIG_PATH } from './config.defaults';
import type { GatewayConfig } from './config.types';
import { formatPath } from './config-path';
import { interpolateTree } from './interpolate';
import { ReadContext } from './read-context';
import { readGatewayConfig } from './read-config';
import { collectSecrets, redactIssues } from './redact';
import { parseYaml } from './yaml-source';

export interface LoadConfigOptions {
  /** the YAML file to read */
  path: string;
  /** the environment `${VAR}` references are resolved from */
  env: NodeJS.ProcessEnv;
}

/** The config file to load: `GATEWAY_CONFIG`, else `config/gateway.yaml`. */
export function configPathFromEnv(env: NodeJS.ProcessEnv): string {
  const path = env.GATEWAY_CONFIG;
  return path === undefined || path === '' ? DEFAULT_CONFIG_PATH : path;
}

/** Reads, interpolates and validates a config file. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(options.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const message =
      code === 'ENOENT' ? 'file not found (set GATEWAY_CONFIG to the config file path)' : code;
    throw new ConfigError(options.path, [{ path: '(file)', message: `cannot read: ${message}` }]);
  }
  return parseConfig(text, options.env, options.path);
}

/** Parses, interpolates and validates YAML text; `sourceName` names it in error messages. */
export function parseConfig(
  text: string,
  env: NodeJS.ProcessEnv,
  sourceName = 'config',
): GatewayConfig {
  const yaml = parseYaml(text, sourceName);
  const context = new ReadContext();
  const tree = interpolateTree(yaml.value, env, context);
  const config = readGatewayConfig(context, tree, sourceName);
  if (config !== undefined && context.issues.length === 0) return config;

  const issues: ConfigIssue[] = context.issues.map(({ path, message }) => ({
    path: formatPath(path),
    message,
    ...yaml.locate(path),
  }));
  const ordered = issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => byPosition(a.issue, b.issue) || a.index - b.index)
    .map(({ issue }) => issue);
  throw new ConfigError(sourceName, redactIssues(ordered, collectSecrets(tree)));
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  const lineA = a.line ?? Number.MAX_SAFE_INTEGER;
  const lineB = b.line ?? Number.MAX_SAFE_INTEGER;
  return lineA - lineB || (a.column ?? 0) - (b.column ?? 0);
}
