import { type ConfigPath, formatPath } from './config-path';
import type { ReadContext } from './read-context';

export interface NamePattern {
  regex: RegExp;
  hint: string;
}

/** Provider names: they appear in metrics labels and headers. */
export const PROVIDER_NAME: NamePattern = {
  regex: /^[a-z0-9][a-z0-9._-]{0,63}$/,
  hint: 'lowercase letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 64)',
};

/** Deployment and route names: what callers send as `model`. */
export const MODEL_NAME: NamePattern = {
  regex: /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/,
  hint: 'letters, digits, ".", "_", ":", "@", "/" and "-" (starting with a letter or digit, at most 128)',
};

/** Tenant ids and API key ids. */
export const ID_NAME: NamePattern = {
  regex: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  hint: 'letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 64)',
};

export interface NamedAt {
  name: string;
  path: ConfigPath;
}

/** Reports every entry whose name was already used by an earlier one. */
export function checkUnique(context: ReadContext, entries: readonly NamedAt[], what: string): void {
  const first = new Map<string, ConfigPath>();
  for (const { name, path } of entries) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, path);
    else {
      context.report(
        path,
        `duplicate ${what} ${context.quote(path, name)} (already used at ${formatPath(earlier)})`,
      );
    }
  }
}
