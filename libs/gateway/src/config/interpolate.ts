import type { ConfigPath } from './config-path';
import type { ReadContext } from './read-context';

export type InterpolationResult =
  { ok: true; value: string; changed: boolean } | { ok: false; problems: string[] };

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in one string from `env`. The default applies when the
 * variable is unset or empty; `$${` is a literal `${`. An unset variable without default is a
 * problem; problems name variables, never their values.
 */
export function interpolateString(text: string, env: NodeJS.ProcessEnv): InterpolationResult {
  const problems: string[] = [];
  let out = '';
  let changed = false;
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    changed = true;
    if (start > i && text[start - 1] === '$') {
      out += `${text.slice(i, start - 1)}\${`;
      i = start + 2;
      continue;
    }
    out += text.slice(i, start);
    const end = text.indexOf('}', start + 2);
    if (end < 0) {
      problems.push("unterminated '${' (write '$${' for a literal '${')");
      break;
    }
    const expression = text.slice(start + 2, end);
    const match = REFERENCE.exec(expression);
    if (match === null) {
      problems.push(
        `invalid reference '\${${expression}}': expected \${NAME} or \${NAME:-default}`,
      );
    } else {
      const [, name, fallback] = match;
      const value = env[name];
      if (value !== undefined && (value !== '' || fallback === undefined)) out += value;
      else if (fallback !== undefined) out += fallback;
      else problems.push(`environment variable ${name} is not set`);
    }
    i = end + 1;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out, changed };
}

/**
 * Interpolates every string scalar of a parsed YAML tree (mapping keys are left alone), recording
 * in `context` which paths were interpolated and which failed.
 */
export function interpolateTree(
  value: unknown,
  env: NodeJS.ProcessEnv,
  context: ReadContext,
  path: ConfigPath = [],
): unknown {
  if (typeof value === 'string') {
    const result = interpolateString(value, env);
    if (!result.ok) {
      for (const problem of result.problems) context.report(path, problem);
      context.markUnresolved(path);
      return undefined;
    }
    if (result.changed) context.markInterpolated(path, value);
    return result.value;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) =>
      interpolateTree(item, env, context, [...path, index]),
    );
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolateTree(item, env, context, [...path, key]),
      ]),
    );
  }
  return value;
}
