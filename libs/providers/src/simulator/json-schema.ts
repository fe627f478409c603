import type { JsonSchema } from '@app/core';
import type { Rng } from './prng';
import { fitLength, generateNumber, generateString, type JsonValue } from './json-value';
import { generateSentence } from './text';
import { NOUNS } from './vocabulary';

/**
 * Generates a JSON value that satisfies a JSON Schema: type (or a list of types), enum, const,
 * properties with required ones (optional ones about half of the time), items / prefixItems with
 * minItems / maxItems, numeric bounds and multipleOf, string formats and lengths, anyOf / oneOf
 * (one branch), allOf (merged), local `$ref`s (`#/$defs/...`, `#/definitions/...`). `pattern` and
 * `additionalProperties` schemas are not interpreted (only declared properties are produced).
 */

const MAX_DEPTH = 8;

interface Context {
  rng: Rng;
  root: JsonSchema;
  depth: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function schemas(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isJsonValue(value: unknown): value is JsonValue {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

function mergeAllOf(schema: JsonSchema): JsonSchema {
  const parts = schemas(schema.allOf);
  const merged: JsonSchema = { ...schema };
  delete merged.allOf;
  const properties: Record<string, unknown> = isRecord(schema.properties)
    ? { ...schema.properties }
    : {};
  const required = new Set<string>(
    Array.isArray(schema.required) ? schema.required.map(String) : [],
  );
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isRecord(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value))
        value.forEach((r) => required.add(String(r)));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function schemaType(schema: JsonSchema): string {
  const declared = schema.type;
  if (typeof declared === 'string') return declared;
  if (Array.isArray(declared)) {
    const types = declared.filter((t): t is string => typeof t === 'string');
    return types.find((t) => t !== 'null') ?? types[0] ?? 'string';
  }
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return 'string';
}

function generateObject(schema: JsonSchema, ctx: Context): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  for (const [name, sub] of Object.entries(properties)) {
    const include = required.has(name) || (ctx.depth < MAX_DEPTH - 2 && ctx.rng.chance(0.5));
    if (include) out[name] = generate(isRecord(sub) ? sub : {}, ctx, name);
  }
  return out;
}

function generateArray(schema: JsonSchema, ctx: Context, hint: string): JsonValue[] {
  const prefix = schemas(schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : []));
  const items = isRecord(schema.items) ? schema.items : undefined;
  const min = num(schema.minItems) ?? (prefix.length > 0 ? prefix.length : 1);
  const max = Math.max(min, num(schema.maxItems) ?? Math.max(min, 3));
  const count = ctx.depth >= MAX_DEPTH ? min : ctx.rng.int(min, Math.min(max, min + 3));
  const out: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    const sub = prefix[i] ?? items ?? {};
    out.push(generate(sub, ctx, hint));
  }
  return out;
}

function generate(input: JsonSchema, ctx: Context, hint: string): JsonValue {
  const inner: Context = { ...ctx, depth: ctx.depth + 1 };
  if (inner.depth > MAX_DEPTH + 4) return null;
  let schema = input;
  const ref = str(schema.$ref);
  if (ref !== undefined)
    schema = { ...(resolveRef(ref, ctx.root) ?? {}), ...schema, $ref: undefined };
  if (schema.allOf !== undefined) schema = mergeAllOf(schema);
  if ('const' in schema && isJsonValue(schema.const)) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const options = schema.enum.filter(isJsonValue);
    if (options.length > 0) return ctx.rng.pick(options);
  }
  const branches = schemas(schema.anyOf ?? schema.oneOf);
  if (branches.length > 0) {
    const informative = branches.filter((b) => b.type !== 'null');
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    return generate(
      { ...rest, ...ctx.rng.pick(informative.length ? informative : branches) },
      inner,
      hint,
    );
  }
  switch (schemaType(schema)) {
    case 'object':
      return generateObject(schema, inner);
    case 'array':
      return generateArray(schema, inner, hint);
    case 'integer':
      return generateNumber(ctx.rng, true, bounds(schema, 1));
    case 'number':
      return generateNumber(ctx.rng, false, bounds(schema, 0.01));
    case 'boolean':
      return ctx.rng.chance(0.5);
    case 'null':
      return null;
    default:
      return fitLength(
        generateString(ctx.rng, hint, str(schema.format)),
        num(schema.minLength),
        num(schema.maxLength),
      );
  }
}

/** numeric bounds; exclusive ones are tightened by `step` */
function bounds(schema: JsonSchema, step: number) {
  const exclusiveMin = num(schema.exclusiveMinimum);
  const exclusiveMax = num(schema.exclusiveMaximum);
  return {
    min: num(schema.minimum) ?? (exclusiveMin === undefined ? undefined : exclusiveMin + step),
    max: num(schema.maximum) ?? (exclusiveMax === undefined ? undefined : exclusiveMax - step),
    multipleOf: num(schema.multipleOf),
  };
}

/** A value valid against `schema` (an empty schema gives a short sentence). */
export function generateFromSchema(schema: JsonSchema, rng: Rng): JsonValue {
  return generate(schema, { rng, root: schema, depth: 0 }, '');
}

/** The object the simulator answers in JSON mode when no schema is given. */
export function generateJsonObject(rng: Rng): { [key: string]: JsonValue } {
  return {
    answer: `${generateSentence(rng)} ${generateSentence(rng)}`,
    confidence: Math.round((0.55 + rng.next() * 0.44) * 100) / 100,
    topics: [rng.pick(NOUNS), rng.pick(NOUNS), rng.pick(NOUNS)],
  };
}
