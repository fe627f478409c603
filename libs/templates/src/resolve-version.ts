import type { LoadedPrompt } from './load-prompt';
import { invalidVersion, labelNotFound, versionAndLabel, versionNotFound } from './prompt-errors';
import type { PromptSelector } from './prompt-types';
import type { CompiledVersion } from './read-version';
import { pickVersion, stickyUnit, type RandomSource } from './split';

export const DEFAULT_LABEL = 'production';

export interface Resolution {
  version: CompiledVersion;
  /** the label it was chosen through, if any */
  label?: string;
}

/**
 * Picks the version a request gets: `version` wins (with `label` too it is a 400); a `label`
 * names a version or a weighted split; with neither, the `production` label when the prompt has
 * one, else the latest version. A split picks by `stickyUnit(prompt, label, user)`, or by
 * `random` when there is no user.
 */
export function resolveVersion(
  prompt: LoadedPrompt,
  selector: PromptSelector,
  random: RandomSource,
): Resolution {
  const { version, label, user } = selector;
  if (version !== undefined) {
    if (label !== undefined) throw versionAndLabel();
    if (!Number.isSafeInteger(version) || version < 1) throw invalidVersion();
    const found = prompt.versions.get(version);
    if (found === undefined) throw versionNotFound(prompt.name, version);
    return { version: found };
  }
  const name = label ?? (Object.hasOwn(prompt.labels, DEFAULT_LABEL) ? DEFAULT_LABEL : undefined);
  if (name === undefined) return { version: prompt.latest };
  if (!Object.hasOwn(prompt.labels, name)) throw labelNotFound(prompt.name, name);
  const target = prompt.labels[name];
  const number =
    typeof target === 'number'
      ? target
      : pickVersion(target, user ? stickyUnit(prompt.name, name, user) : random());
  const found = prompt.versions.get(number);
  // labels are checked against the versions at load, so this holds; guard anyway
  if (found === undefined) throw versionNotFound(prompt.name, number);
  return { version: found, label: name };
}
