import type Ajv from 'ajv';
import type { JsonSchema, ResponseFormat } from '@app/core';
import { isMapping, readBoolean, readMapping, readString } from './fields';
import { compileErrorMessage } from './schema-compiler';
import { strictSchemaProblems } from './strict-schema';
import type { FieldPath, YamlFile } from './yaml-file';

const TYPES = ['text', 'json_object', 'json_schema'];
const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads a version's optional `responseFormat` (the core `ResponseFormat` shape). A json_schema
 * format's schema must compile, and with `strict: true` it must follow the strict-mode rules.
 */
export function readResponseFormat(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
  ajv: Ajv,
): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const fields = readMapping(file, path, value, ['type', 'jsonSchema']);
  if (fields === undefined) return undefined;
  const type = fields.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    file.report([...path, 'type'], `must be one of ${TYPES.join(', ')}`);
    return undefined;
  }
  if (type !== 'json_schema') {
    if (fields.jsonSchema !== undefined) {
      file.report([...path, 'jsonSchema'], 'is only allowed with type json_schema');
    }
    return type === 'text' ? { type } : { type: 'json_object' };
  }
  const at = [...path, 'jsonSchema'];
  const spec = readMapping(file, at, fields.jsonSchema, [
    'name',
    'description',
    'schema',
    'strict',
  ]);
  if (spec === undefined) return undefined;
  const name = readString(file, [...at, 'name'], spec.name);
  if (name !== undefined && !SCHEMA_NAME.test(name)) {
    file.report([...at, 'name'], 'must be 1-64 letters, digits, _ or -');
  }
  const description =
    spec.description === undefined
      ? undefined
      : readString(file, [...at, 'description'], spec.description);
  const strict = readBoolean(file, [...at, 'strict'], spec.strict);
  const schema = readSchema(file, [...at, 'schema'], spec.schema, ajv, strict === true);
  if (name === undefined) return undefined;
  return {
    type: 'json_schema',
    jsonSchema: {
      name,
      ...(description === undefined ? {} : { description }),
      ...(schema === undefined ? {} : { schema }),
      ...(strict === undefined ? {} : { strict }),
    },
  };
}

function readSchema(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
  ajv: Ajv,
  strict: boolean,
): JsonSchema | undefined {
  if (value === undefined || value === null) {
    if (strict) file.report(path, 'is required when strict is true');
    return undefined;
  }
  if (!isMapping(value)) {
    file.report(path, 'must be a JSON Schema (a mapping)');
    return undefined;
  }
  try {
    ajv.compile(value);
  } catch (error) {
    file.report(path, `invalid JSON Schema: ${compileErrorMessage(error)}`);
    return undefined;
  }
  if (strict) {
    for (const problem of strictSchemaProblems(value)) {
      file.report([...path, ...problem.path], problem.message);
    }
  }
  return value;
}
