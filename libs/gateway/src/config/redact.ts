import type { ConfigIssue } from './config-error';
import { isMapping } from './reader';

/** Shorter strings are not treated as secrets: masking them would garble messages. */
const MIN_SECRET_LENGTH = 4;
const MASK = '***';

/**
 * Secret values of an (interpolated) configuration tree: provider API keys and header values, and
 * the database URL (it may hold a password), whatever their validity.
 */
export function collectSecrets(tree: unknown): string[] {
  if (!isMapping(tree)) return [];
  const secrets: string[] = [];
  if (isMapping(tree.storage) && typeof tree.storage.databaseUrl === 'string') {
    secrets.push(tree.storage.databaseUrl);
  }
  if (!Array.isArray(tree.providers)) return secrets;
  for (const provider of tree.providers as unknown[]) {
    if (!isMapping(provider)) continue;
    if (typeof provider.apiKey === 'string') secrets.push(provider.apiKey);
    if (isMapping(provider.headers)) {
      for (const value of Object.values(provider.headers)) {
        if (typeof value === 'string') secrets.push(value);
      }
    }
  }
  return secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
}

/**
 * A last line of defence: messages are written to quote only file text and never secret fields,
 * but should a secret value still appear in one, it is masked.
 */
export function redactIssues(issues: ConfigIssue[], secrets: readonly string[]): ConfigIssue[] {
  if (secrets.length === 0) return issues;
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  return issues.map((issue) => {
    let { path, message } = issue;
    for (const secret of longestFirst) {
      path = path.split(secret).join(MASK);
      message = message.split(secret).join(MASK);
    }
    return { ...issue, path, message };
  });
}
