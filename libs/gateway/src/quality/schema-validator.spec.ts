import type { ResponseFormat } from '@app/core';
import { formatSchemaErrors, jsonPath, schemaHash, SchemaValidator } from './schema-validator';

const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};

function schemaFormat(schema: Record<string, unknown>, name = 'person'): ResponseFormat {
  return { type: 'json_schema', jsonSchema: { name, schema, strict: true } };
}

describe('SchemaValidator', () => {
  let validator: SchemaValidator;

  beforeEach(() => {
    validator = new SchemaValidator(3);
  });

  it('asks nothing of text answers', () => {
    expect(validator.check(undefined, 'hello')).toBeUndefined();
    expect(validator.check({ type: 'text' }, 'hello')).toBeUndefined();
  });

  it('accepts JSON matching the schema (formats are not validated)', () => {
    const json = JSON.stringify({ name: 'Ada', age: 36, email: 'not an email', tags: ['x'] });
    expect(validator.check(schemaFormat(PERSON), json)).toEqual({ result: 'valid' });
  });

  it('lists every failure as `path: message`, never the values', () => {
    const json = JSON.stringify({
      name: 'Ada Lovelace',
      age: 'thirty-six',
      tags: [1],
      secret: 'x',
    });
    const verdict = validator.check(schemaFormat(PERSON), json);
    expect(verdict).toEqual({
      result: 'invalid',
      errors: expect.arrayContaining([
        '$.secret: is not allowed',
        '$.age: must be integer',
        '$.tags[0]: must be string',
      ]),
    });
    if (verdict?.result !== 'invalid') throw new Error('expected invalid');
    expect(verdict.errors).toHaveLength(3);
    const text = verdict.errors.join('\n');
    expect(text).not.toContain('Ada Lovelace');
    expect(text).not.toContain('thirty-six');
    const missing = validator.check(schemaFormat(PERSON), '{}');
    expect(missing).toEqual({
      result: 'invalid',
      errors: ['$.name: is required', '$.age: is required'],
    });
  });

  it('says the answer is not JSON without quoting it, and when it was cut off', () => {
    expect(validator.check(schemaFormat(PERSON), 'Sure! Here is {"name": "Ada"')).toEqual({
      result: 'invalid',
      errors: ['$: is not valid JSON'],
    });
    expect(validator.check(schemaFormat(PERSON), '{"name": "Ada", "ag', true)).toEqual({
      result: 'invalid',
      errors: ['$: is not valid JSON (cut off at the output limit)'],
    });
  });

  it('asks json_object for a JSON object, and a json_schema without schema for JSON', () => {
    const object: ResponseFormat = { type: 'json_object' };
    expect(validator.check(object, '{"a": 1}')).toEqual({ result: 'valid' });
    expect(validator.check(object, '[1, 2]')).toEqual({
      result: 'invalid',
      errors: ['$: must be a JSON object'],
    });
    expect(validator.check(object, 'null')?.result).toBe('invalid');
    expect(validator.check(object, 'nope')?.result).toBe('invalid');
    const noSchema: ResponseFormat = { type: 'json_schema', jsonSchema: { name: 'any' } };
    expect(validator.check(noSchema, '[1]')).toEqual({ result: 'valid' });
    expect(validator.check(noSchema, 'nope')?.result).toBe('invalid');
  });

  it('compiles a schema once, whatever its key order, and keeps a bounded LRU', () => {
    const reordered = {
      additionalProperties: false,
      required: ['name', 'age'],
      properties: PERSON.properties,
      type: 'object',
    };
    expect(schemaHash(reordered)).toBe(schemaHash(PERSON));
    for (let i = 0; i < 5; i += 1) {
      // a fresh object each time, as every request brings its own parsed copy
      validator.check(schemaFormat(JSON.parse(JSON.stringify(PERSON)) as typeof PERSON), '{}');
    }
    validator.check(schemaFormat(reordered), '{}');
    expect(validator.compiled).toBe(1);

    const numbered = (n: number) => schemaFormat({ type: 'object', maxProperties: n });
    validator.check(numbered(1), '{}');
    validator.check(numbered(2), '{}');
    expect(validator.size).toBe(3);
    // PERSON is the least recently used: a fourth schema evicts it
    validator.check(numbered(1), '{}');
    validator.check(numbered(3), '{}');
    expect(validator.size).toBe(3);
    expect(validator.compiled).toBe(4);
    validator.check(numbered(1), '{}');
    expect(validator.compiled).toBe(4);
    validator.check(schemaFormat(PERSON), '{}');
    expect(validator.compiled).toBe(5);
  });

  it.each([
    ['an unknown type', { type: 'object', properties: { a: { type: 'strin' } } }],
    ['a keyword of the wrong type', { type: 'object', minProperties: 'two' }],
    ['a broken pattern', { type: 'string', pattern: '(' }],
    ['an unresolvable $ref', { $ref: 'https://schemas.example.com/person.json' }],
    ['a local $ref to nowhere', { $ref: '#/$defs/missing' }],
  ])('treats a schema with %s as not checkable, and remembers it', (_what, schema) => {
    expect(validator.check(schemaFormat(schema), '{"a": 1}')).toEqual({ result: 'unchecked' });
    expect(validator.check(schemaFormat(schema), 'not even JSON')).toEqual({
      result: 'unchecked',
    });
    expect(validator.compiled).toBe(1);
  });

  it('lets two schemas share an $id, and ignores $schema and unknown keywords', () => {
    const first = { $id: 'https://example.com/answer', type: 'string' };
    const second = { $id: 'https://example.com/answer', type: 'number' };
    expect(validator.check(schemaFormat(first), '"x"')).toEqual({ result: 'valid' });
    expect(validator.check(schemaFormat(second), '2')).toEqual({ result: 'valid' });
    expect(validator.check(schemaFormat(second), '"x"')?.result).toBe('invalid');
    const modern = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'integer', 'x-unknown': true } },
      $defs: { unused: { type: 'string' } },
    };
    expect(validator.check(schemaFormat(modern), '{"a": 1}')).toEqual({ result: 'valid' });
    expect(validator.check(schemaFormat(modern), '{"a": "1"}')?.result).toBe('invalid');
  });
});

describe('schema error text', () => {
  it('writes paths as $-paths, quoting keys that are not identifiers, and clips long ones', () => {
    expect(jsonPath('')).toBe('$');
    expect(jsonPath('/items/0/name')).toBe('$.items[0].name');
    expect(jsonPath('/first name/a~1b~0c')).toBe('$["first name"]["a/b~c"]');
    expect(jsonPath('/a', 'b/c')).toBe('$.a["b/c"]');
    expect(jsonPath(`/${'k'.repeat(500)}`)).toHaveLength(120);
  });

  it('lists at most eight errors and counts the rest', () => {
    const errors = Array.from({ length: 11 }, (_, i) => `$.f${i}: is required`);
    const text = formatSchemaErrors(errors);
    expect(text).toContain('$.f7: is required; and 3 more');
    expect(text).not.toContain('$.f8');
  });
});
