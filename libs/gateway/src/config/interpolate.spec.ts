import { interpolateString, interpolateTree } from './interpolate';
import { ReadContext } from './read-context';

describe('interpolateString', () => {
  const env = { HOST: 'api.example.com', EMPTY: '', PORT: '8443' };

  it.each([
    ['plain text', 'plain text'],
    ['https://${HOST}:${PORT}/v1', 'https://api.example.com:8443/v1'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${HOST:-fallback}', 'api.example.com'],
    ['${MISSING:-}', ''],
    ['${MISSING:-a:b/c d}', 'a:b/c d'],
    ['${EMPTY}', ''],
    ['$${HOST}', '${HOST}'],
    ['cost: $5 ${PORT}', 'cost: $5 8443'],
    ['${HOST}$${PORT}', 'api.example.com${PORT}'],
  ])('%s -> %s', (text, expected) => {
    expect(interpolateString(text, env)).toEqual({
      ok: true,
      value: expected,
      changed: text.includes('${'),
    });
  });

  it('reports an unset variable without default by name', () => {
    expect(interpolateString('Bearer ${TOKEN}', env)).toEqual({
      ok: false,
      problems: ['environment variable TOKEN is not set'],
    });
  });

  it('reports every unset variable of one string', () => {
    const result = interpolateString('${A}-${B}', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'environment variable A is not set',
      'environment variable B is not set',
    ]);
  });

  it.each(['${1BAD}', '${}', '${A B}', '${A:default}'])(
    'rejects the malformed reference %s',
    (text) => {
      const result = interpolateString(text, { A: 'x' });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems[0]).toMatch(/invalid reference/);
    },
  );

  it('rejects an unterminated reference', () => {
    const result = interpolateString('abc ${HOST', env);
    expect(!result.ok && result.problems[0]).toMatch(/unterminated/);
  });
});

describe('interpolateTree', () => {
  it('interpolates string scalars at any depth, not keys or other scalars', () => {
    const context = new ReadContext();
    const tree = { a: ['${X}', 1, true, null], '${X}': { b: 'x-${X:-no}' } };
    expect(interpolateTree(tree, { X: 'yes' }, context)).toEqual({
      a: ['yes', 1, true, null],
      '${X}': { b: 'x-yes' },
    });
    expect(context.issues).toEqual([]);
    expect(context.isInterpolated(['a', 0])).toBe(true);
    expect(context.isInterpolated(['a', 1])).toBe(false);
  });

  it('reports failures at their path and marks them unresolved', () => {
    const context = new ReadContext();
    const result = interpolateTree({ providers: [{ apiKey: '${KEY}' }] }, {}, context);
    expect(result).toEqual({ providers: [{ apiKey: undefined }] });
    expect(context.issues).toEqual([
      { path: ['providers', 0, 'apiKey'], message: 'environment variable KEY is not set' },
    ]);
    expect(context.isUnresolved(['providers', 0, 'apiKey'])).toBe(true);
  });

  it('keeps a __proto__ key as plain data', () => {
    const context = new ReadContext();
    const tree: unknown = JSON.parse('{"__proto__": {"polluted": "${X}"}}');
    const result = interpolateTree(tree, { X: 'yes' }, context) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
