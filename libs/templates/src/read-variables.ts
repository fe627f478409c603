import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '@app/core';
import { isMapping } from './fields';
import { compileErrorMessage } from './schema-compiler';
import type { FieldPath, YamlFile } from './yaml-file';

/** The variables a version declares, with their schema compiled once. */
export interface VariablesSchema {
  /** the schema as served (with `additionalProperties: false` unless the file set it) */
  schema: JsonSchema;
  validate: ValidateFunction;
  /** the top-level variable names (`properties`) */
  declared: ReadonlySet<string>;
  /** top-level property schemas, for checking nested references statically */
  properties: Readonly<Record<string, unknown>>;
}

/** Names a template can refer to: Liquid identifiers that are not Liquid literals or loop objects. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set([
  'empty',
  'blank',
  'nil',
  'null',
  'true',
  'false',
  'forloop',
  'tablerowloop',
]);

/** Reads and compiles a version's `variables` schema (absent: the version takes no variables). */
export function readVariables(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
  ajv: Ajv,
): VariablesSchema | undefined {
  const raw = value === undefined || value === null ? { type: 'object', properties: {} } : value;
  if (!isMapping(raw)) {
    file.report(path, 'must be a JSON Schema of type object');
    return undefined;
  }
  if (raw.type !== 'object') {
    file.report([...path, 'type'], 'must be object (variables are named)');
    return undefined;
  }
  const properties = raw.properties ?? {};
  if (!isMapping(properties)) {
    file.report([...path, 'properties'], 'must be a mapping of variable names to JSON Schemas');
    return undefined;
  }
  const names = Object.keys(properties);
  for (const name of names) {
    if (!NAME.test(name) || RESERVED.has(name)) {
      const why = RESERVED.has(name) ? 'is reserved by Liquid' : 'must be a Liquid identifier';
      file.report([...path, 'properties', name], `variable name ${why} ([A-Za-z_][A-Za-z0-9_]*)`);
    }
  }
  const schema: JsonSchema = { additionalProperties: false, ...raw, properties };
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    file.report(path, `invalid JSON Schema: ${compileErrorMessage(error)}`);
    return undefined;
  }
  return { schema, validate, declared: new Set(names), properties };
}
