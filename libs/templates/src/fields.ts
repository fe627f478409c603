import type { FieldPath, YamlFile } from './yaml-file';

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks that the value at `path` is a mapping whose keys are all in `fields`, reporting every
 * unknown key (a typo must not be silently ignored). Returns the mapping, or undefined.
 */
export function readMapping(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
  fields: readonly string[],
): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    file.report(path, `must be a mapping with the fields ${fields.join(', ')}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!fields.includes(key)) {
      file.report([...path, key], `unknown field (expected one of ${fields.join(', ')})`);
    }
  }
  return value;
}

/** A required, non-empty string. */
export function readString(file: YamlFile, path: FieldPath, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    file.report(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    file.report(path, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

/** A boolean, if set. */
export function readBoolean(file: YamlFile, path: FieldPath, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  file.report(path, 'must be true or false');
  return undefined;
}
