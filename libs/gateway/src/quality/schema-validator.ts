import { createHash } from 'node:crypto';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema, ResponseFormat } from '@app/core';

/**
 * What checking an answer against its `response_format` found: it matched, it did not (with the
 * errors as `path: message`), or it could not be checked (the caller's schema does not compile).
 */
export type SchemaVerdict =
  { result: 'valid' } | { result: 'invalid'; errors: string[] } | { result: 'unchecked' };

/** how many compiled schemas are kept (least recently used go first) */
export const DEFAULT_MAX_SCHEMAS = 256;
/** errors listed in a report; the rest are counted */
export const MAX_LISTED_ERRORS = 8;
const MAX_PATH_CHARS = 120;
const MAX_MESSAGE_CHARS = 160;

const VALID: SchemaVerdict = { result: 'valid' };
const UNCHECKED: SchemaVerdict = { result: 'unchecked' };

/** a compiled schema, or `null` for one that does not compile (remembered, not retried) */
type Compiled = ValidateFunction | null;

/**
 * Validates answers against the caller's `response_format` (paper 7.3): `json_schema` parses the
 * answer and validates it with ajv 8 against the schema; `json_object` asks only for a JSON object.
 * Compiled validators are cached by the hash of the schema in a bounded LRU, so a schema sent with
 * every request is compiled once. A caller's schema that does not compile (malformed, an
 * unresolvable `$ref`, a bad `pattern`) is not checkable: the answer goes out unchecked.
 */
export class SchemaValidator {
  // strict off: callers' schemas carry keywords ajv does not know (OpenAI's own, `$comment`...);
  // formats are not validated (none are registered); used schemas are not registered by `$id`,
  // so two callers' schemas with the same `$id` do not collide
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    addUsedSchema: false,
    logger: false,
  });
  /** schema hash -> compiled validator, in least-recently-used order */
  private readonly cache = new Map<string, { compiled: Compiled; schema: object }>();
  private compilations = 0;

  constructor(private readonly maxSchemas = DEFAULT_MAX_SCHEMAS) {}

  /** schemas compiled so far (each distinct schema once while it stays in the cache) */
  get compiled(): number {
    return this.compilations;
  }

  /** schemas in the cache */
  get size(): number {
    return this.cache.size;
  }

  /**
   * Checks an answer's text against the request's format; undefined when the format asks for no
   * JSON (`text`, or none). `truncated`: the answer stopped at the output limit (said in the error).
   */
  check(
    format: ResponseFormat | undefined,
    content: string,
    truncated = false,
  ): SchemaVerdict | undefined {
    if (format === undefined || format.type === 'text') return undefined;
    let validate: ValidateFunction | undefined;
    if (format.type === 'json_schema' && format.jsonSchema.schema !== undefined) {
      const compiled = this.compile(format.jsonSchema.schema);
      if (compiled === null) return UNCHECKED;
      validate = compiled;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      // the parser's message quotes the content: say only that it is not JSON
      const why = truncated
        ? 'is not valid JSON (cut off at the output limit)'
        : 'is not valid JSON';
      return { result: 'invalid', errors: [`$: ${why}`] };
    }
    if (format.type === 'json_object' && !isJsonObject(value)) {
      return { result: 'invalid', errors: ['$: must be a JSON object'] };
    }
    if (validate === undefined || validate(value)) return VALID;
    return { result: 'invalid', errors: (validate.errors ?? []).map(describeError) };
  }

  /** the compiled validator of a schema, from the cache when it was seen; null when it cannot be */
  private compile(schema: JsonSchema): Compiled {
    const key = schemaHash(schema);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // most recently used last
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached.compiled;
    }
    const copy = withoutMetaSchema(schema);
    let compiled: Compiled;
    this.compilations += 1;
    try {
      compiled = this.ajv.compile(copy);
    } catch {
      compiled = null;
      this.forget(copy);
    }
    this.cache.set(key, { compiled, schema: copy });
    if (this.cache.size > this.maxSchemas) {
      const [oldestKey, oldest] = this.cache.entries().next().value as [string, { schema: object }];
      this.cache.delete(oldestKey);
      this.forget(oldest.schema);
    }
    return compiled;
  }

  /** drops ajv's own reference to a schema object (it caches every compiled object by identity) */
  private forget(schema: object): void {
    try {
      this.ajv.removeSchema(schema);
    } catch {
      /* not registered */
    }
  }
}

/** The errors of a failed check as one line: `$.age: must be integer; $.name: is required`. */
export function formatSchemaErrors(errors: readonly string[]): string {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).join('; ');
  const more = errors.length - MAX_LISTED_ERRORS;
  return more > 0 ? `${listed}; and ${more} more` : listed;
}

/**
 * One ajv error as `path: message`. ajv's messages name what the schema expects, never the value;
 * `required` and `additionalProperties` name the property in the path instead of the message.
 */
export function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return `${jsonPath(error.instancePath, params.missingProperty)}: is required`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `${jsonPath(error.instancePath, params.additionalProperty)}: is not allowed`;
  }
  return `${jsonPath(error.instancePath)}: ${clip(error.message ?? 'is invalid', MAX_MESSAGE_CHARS)}`;
}

/** `/items/0/first name` -> `$.items[0]["first name"]` (clipped to a readable length) */
export function jsonPath(instancePath: string, child?: string): string {
  const segments = instancePath === '' ? [] : instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child.replace(/~/g, '~0').replace(/\//g, '~1'));
  let path = '$';
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return clip(path, MAX_PATH_CHARS);
}

/** sha256 of the schema's canonical JSON (keys sorted), so key order does not matter */
export function schemaHash(schema: JsonSchema): string {
  return createHash('sha256').update(canonicalJson(schema)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A shallow copy without `$schema`: ajv knows draft-07 only, and would refuse a schema naming
 * another draft; the keywords callers use (OpenAI's structured-output subset) mean the same.
 */
function withoutMetaSchema(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = { ...schema };
  delete copy.$schema;
  return copy;
}

function isJsonObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
