import { deepFreeze } from './deep-freeze';
import { isMapping, readMapping } from './fields';
import type { LabelTarget, SplitArm } from './prompt-types';
import type { TemplateLoadIssue } from './template-load-error';
import { YamlFile, type FieldPath } from './yaml-file';

const LABEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads `labels.yaml`: each label names a version (`production: 2`) or a weighted split
 * (`experiment: { split: [{ version: 2, weight: 90 }, { version: 3, weight: 10 }] }`).
 * Every version named must exist; weights must be positive. An empty file means no labels.
 */
export function readLabels(
  file: string,
  text: string,
  versions: ReadonlySet<number>,
  issues: TemplateLoadIssue[],
): Record<string, LabelTarget> | undefined {
  const before = issues.length;
  const yaml = YamlFile.parse(text, file, issues);
  if (yaml === undefined) return undefined;
  if (yaml.value === null) return {};
  if (!isMapping(yaml.value)) {
    yaml.report([], 'must be a mapping of label names to a version or a split');
    return undefined;
  }
  const labels: Record<string, LabelTarget> = {};
  for (const [name, value] of Object.entries(yaml.value)) {
    if (!LABEL_NAME.test(name)) {
      yaml.report([name], 'label name must be 1-64 letters, digits, ., _ or -');
      continue;
    }
    const target = readTarget(yaml, [name], value, versions);
    if (target !== undefined) {
      Object.defineProperty(labels, name, { value: target, enumerable: true, writable: true });
    }
  }
  return issues.length > before ? undefined : deepFreeze(labels);
}

function readTarget(
  yaml: YamlFile,
  path: FieldPath,
  value: unknown,
  versions: ReadonlySet<number>,
): LabelTarget | undefined {
  if (!isMapping(value)) {
    return readVersionRef(yaml, path, value, versions, 'a version number or { split: [...] }');
  }
  const fields = readMapping(yaml, path, value, ['split']);
  if (fields === undefined) return undefined;
  const split = fields.split;
  const at = [...path, 'split'];
  if (split === undefined || split === null) {
    yaml.report(at, 'is required');
    return undefined;
  }
  if (!Array.isArray(split) || split.length === 0) {
    yaml.report(at, 'must be a non-empty list of { version, weight }');
    return undefined;
  }
  const arms: SplitArm[] = [];
  const seen = new Set<number>();
  (split as unknown[]).forEach((item, index) => {
    const arm = readArm(yaml, [...at, index], item, versions);
    if (arm === undefined) return;
    if (seen.has(arm.version)) {
      yaml.report([...at, index, 'version'], `version ${arm.version} is already in this split`);
      return;
    }
    seen.add(arm.version);
    arms.push(arm);
  });
  return arms.length === split.length ? { split: arms } : undefined;
}

function readArm(
  yaml: YamlFile,
  path: FieldPath,
  value: unknown,
  versions: ReadonlySet<number>,
): SplitArm | undefined {
  const fields = readMapping(yaml, path, value, ['version', 'weight']);
  if (fields === undefined) return undefined;
  const version = readVersionRef(
    yaml,
    [...path, 'version'],
    fields.version,
    versions,
    'a version number (a positive integer)',
  );
  const weight = fields.weight;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    yaml.report([...path, 'weight'], 'must be a positive number');
    return undefined;
  }
  return version === undefined ? undefined : { version, weight };
}

function readVersionRef(
  yaml: YamlFile,
  path: FieldPath,
  value: unknown,
  versions: ReadonlySet<number>,
  expected: string,
): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    yaml.report(path, `must be ${expected}`);
    return undefined;
  }
  if (!versions.has(value)) {
    const known = [...versions].sort((a, b) => a - b).join(', ');
    yaml.report(path, `version ${value} does not exist (versions: ${known || 'none'})`);
    return undefined;
  }
  return value;
}
