import Ajv from 'ajv';

/**
 * The ajv instance a load pass compiles its schemas with: strict (an unknown keyword, a `required`
 * property missing from `properties`, or an unknown `format` is a load error, not a silent no-op)
 * and `allErrors`. Each load pass gets a fresh one, so edited schemas do not pile up in its cache.
 */
export function createSchemaCompiler(): Ajv {
  return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false });
}

/** the first line of an ajv compile error, e.g. `strict mode: unknown keyword: "foo"` */
export function compileErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
