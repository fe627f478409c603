import { isMapping } from './fields';
import type { FieldPath } from './yaml-file';

export interface SchemaProblem {
  /** where in the schema, relative to the schema itself */
  path: FieldPath;
  message: string;
}

const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions'] as const;

/**
 * The rules providers enforce on a `strict: true` structured-output schema (OpenAI's strict mode):
 * every object lists all its properties in `required` and sets `additionalProperties: false`.
 * Checked at load so a version that the provider would reject never goes live.
 */
export function strictSchemaProblems(schema: unknown, path: FieldPath = []): SchemaProblem[] {
  if (!isMapping(schema)) return [];
  const problems: SchemaProblem[] = [];
  const isObject =
    schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  if (isObject || isMapping(schema.properties)) {
    if (schema.additionalProperties !== false) {
      problems.push({ path, message: 'strict mode: set additionalProperties: false' });
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    const properties = isMapping(schema.properties) ? Object.keys(schema.properties) : [];
    const missing = properties.filter((name) => !required.includes(name));
    if (missing.length > 0) {
      problems.push({
        path,
        message: `strict mode: every property must be required (missing: ${missing.join(', ')})`,
      });
    }
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (!isMapping(map)) continue;
    for (const [name, sub] of Object.entries(map)) {
      problems.push(...strictSchemaProblems(sub, [...path, key, name]));
    }
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    list.forEach((sub, index) =>
      problems.push(...strictSchemaProblems(sub, [...path, key, index])),
    );
  }
  if (isMapping(schema.items))
    problems.push(...strictSchemaProblems(schema.items, [...path, 'items']));
  return problems;
}
