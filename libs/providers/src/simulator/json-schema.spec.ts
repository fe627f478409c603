import Ajv from 'ajv';
import type { JsonSchema } from '@app/core';
import { generateFromSchema, generateJsonObject } from './json-schema';
import { createRng } from './prng';

const ajv = new Ajv({ strict: false, validateFormats: false });

function expectValid(schema: JsonSchema, seeds = 25): void {
  const validate = ajv.compile(schema);
  for (let seed = 0; seed < seeds; seed++) {
    const value = generateFromSchema(schema, createRng(seed));
    if (!validate(value)) {
      throw new Error(`seed ${seed}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }
  }
}

describe('schema-driven JSON generation', () => {
  it('generates tool arguments with required props, enums and plausible strings', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        location: { type: 'string', description: 'City and country' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        detailed: { type: 'boolean' },
      },
      required: ['location', 'unit'],
      additionalProperties: false,
    };
    expectValid(schema);
    const value = generateFromSchema(schema, createRng(1)) as Record<string, unknown>;
    expect(value.location).toMatch(/^[A-Z][a-z]+, [A-Z][a-z]+$/);
    expect(['celsius', 'fahrenheit']).toContain(value.unit);
  });

  it('handles nested objects, arrays, numbers, nullable and string formats', () => {
    expectValid({
      type: 'object',
      properties: {
        customer: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            email: { type: 'string', format: 'email' },
            since: { type: 'string', format: 'date' },
            tier: { type: ['string', 'null'], enum: ['gold', 'silver', null] },
          },
          required: ['name', 'email', 'since', 'tier'],
        },
        items: {
          type: 'array',
          minItems: 2,
          maxItems: 4,
          items: {
            type: 'object',
            properties: {
              sku: { type: 'string', minLength: 3, maxLength: 12 },
              price: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              qty: { type: 'integer', multipleOf: 5, minimum: 5, maximum: 50 },
            },
            required: ['sku', 'price', 'qty'],
          },
        },
        note: { type: ['string', 'null'] },
        nothing: { type: 'null' },
      },
      required: ['customer', 'items', 'note', 'nothing'],
    });
  });

  it('follows $ref, anyOf, oneOf, allOf, const and tuples', () => {
    expectValid({
      $defs: {
        money: {
          type: 'object',
          properties: { amount: { type: 'number' }, currency: { type: 'string' } },
          required: ['amount', 'currency'],
        },
      },
      type: 'object',
      properties: {
        total: { $ref: '#/$defs/money' },
        kind: { const: 'invoice' },
        ref: { anyOf: [{ type: 'null' }, { type: 'string', format: 'uuid' }] },
        choice: { oneOf: [{ type: 'integer' }, { type: 'boolean' }] },
        merged: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            { properties: { b: { type: 'integer' } }, required: ['b'] },
          ],
        },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] },
      },
      required: ['total', 'kind', 'ref', 'choice', 'merged', 'pair'],
    });
  });

  it('stops on recursive schemas', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['name', 'children'],
    };
    const value = generateFromSchema(schema, createRng(4));
    expect(JSON.stringify(value).length).toBeLessThan(200_000);
  });

  it('an empty schema or object type gives something sensible', () => {
    expect(typeof generateFromSchema({}, createRng(1))).toBe('string');
    expect(generateFromSchema({ type: 'object' }, createRng(1))).toEqual({});
  });

  it('is deterministic for the same generator seed', () => {
    const schema: JsonSchema = { type: 'object', properties: { id: { type: 'string' } } };
    expect(generateFromSchema(schema, createRng(8))).toEqual(
      generateFromSchema(schema, createRng(8)),
    );
  });

  it('json_object mode without a schema answers a small object', () => {
    const value = generateJsonObject(createRng(2));
    expect(Object.keys(value)).toEqual(['answer', 'confidence', 'topics']);
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });
});
