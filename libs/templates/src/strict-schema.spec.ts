import { strictSchemaProblems } from './strict-schema';

describe('strictSchemaProblems', () => {
  it('accepts a schema that follows strict mode', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string' },
        list: {
          type: 'array',
          items: {
            type: 'object',
            properties: { b: { type: 'number' } },
            required: ['b'],
            additionalProperties: false,
          },
        },
      },
      required: ['a', 'list'],
      additionalProperties: false,
    };
    expect(strictSchemaProblems(schema)).toEqual([]);
  });

  it('finds objects, nested ones too, that allow extra or optional properties', () => {
    const schema = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'object', properties: { b: { type: 'number' } } } },
        choice: {
          anyOf: [
            { type: 'object', properties: {}, additionalProperties: false },
            { type: 'object' },
          ],
        },
      },
      required: ['list'],
      additionalProperties: false,
      $defs: { thing: { type: 'object', additionalProperties: false, properties: { x: {} } } },
    };
    expect(strictSchemaProblems(schema)).toEqual([
      { path: [], message: expect.stringContaining('missing: choice') },
      {
        path: ['properties', 'list', 'items'],
        message: expect.stringContaining('additionalProperties'),
      },
      { path: ['properties', 'list', 'items'], message: expect.stringContaining('missing: b') },
      {
        path: ['properties', 'choice', 'anyOf', 1],
        message: expect.stringContaining('additionalProperties'),
      },
      { path: ['$defs', 'thing'], message: expect.stringContaining('missing: x') },
    ]);
  });
});
