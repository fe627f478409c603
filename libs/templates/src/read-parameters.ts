import type { PromptParameters } from './prompt-types';
import { readMapping } from './fields';
import type { FieldPath, YamlFile } from './yaml-file';

type NumericParameter = Exclude<keyof PromptParameters, 'stop'>;

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

const NUMBER_RULES: Readonly<Record<NumericParameter, NumberRule>> = {
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  maxTokens: { min: 1, integer: true },
  seed: { integer: true },
  presencePenalty: { min: -2, max: 2 },
  frequencyPenalty: { min: -2, max: 2 },
};

const FIELDS = [...Object.keys(NUMBER_RULES), 'stop'];
const MAX_STOP_SEQUENCES = 4;

/** Reads a version's `parameters` (optional; camelCase as in ChatRequest). */
export function readParameters(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
): PromptParameters | undefined {
  if (value === undefined || value === null) return {};
  const fields = readMapping(file, path, value, FIELDS);
  if (fields === undefined) return undefined;
  const parameters: PromptParameters = {};
  let valid = true;
  for (const [name, rule] of Object.entries(NUMBER_RULES) as [NumericParameter, NumberRule][]) {
    const raw = fields[name];
    if (raw === undefined || raw === null) continue;
    if (typeof raw === 'number' && satisfies(raw, rule)) parameters[name] = raw;
    else {
      file.report([...path, name], `must be ${describe(rule)}`);
      valid = false;
    }
  }
  const stop = readStop(file, [...path, 'stop'], fields.stop);
  if (stop === null) valid = false;
  else if (stop !== undefined) parameters.stop = stop;
  return valid ? parameters : undefined;
}

/** a string or a list of 1-4 non-empty strings; null when invalid */
function readStop(file: YamlFile, path: FieldPath, value: unknown): string[] | undefined | null {
  if (value === undefined || value === null) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const valid =
    list.length > 0 &&
    list.length <= MAX_STOP_SEQUENCES &&
    list.every((item) => typeof item === 'string' && item !== '');
  if (valid) return list as string[];
  file.report(path, `must be a non-empty string or a list of 1 to ${MAX_STOP_SEQUENCES} of them`);
  return null;
}

function satisfies(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.integer && !Number.isSafeInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  return rule.max === undefined || value <= rule.max;
}

function describe(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) {
    return `${kind} from ${rule.min} to ${rule.max}`;
  }
  if (rule.min !== undefined) return `${kind} of at least ${rule.min}`;
  return kind;
}
