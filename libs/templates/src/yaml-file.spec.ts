import type { TemplateLoadIssue } from './template-load-error';
import { YamlFile, formatPath } from './yaml-file';

describe('formatPath', () => {
  it('renders keys and indexes as a reader finds them', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['messages', 1, 'content'])).toBe('messages[1].content');
    expect(formatPath(['labels', 'has space'])).toBe('labels["has space"]');
  });
});

describe('YamlFile', () => {
  it('locates keys, list items and the nearest parent of a missing field', () => {
    const issues: TemplateLoadIssue[] = [];
    const file = YamlFile.parse('a: 1\nlist:\n  - x: 2\n  - y: 3\n', 'p/v1.yaml', issues);
    expect(file?.locate(['list', 1, 'y'])).toEqual({ line: 4, column: 5 });
    expect(file?.locate(['list', 1, 'zzz'])).toEqual({ line: 4, column: 5 });
    expect(file?.locate(['nope'])).toEqual({ line: 1, column: 1 });
    file?.report(['list', 0, 'x'], 'bad');
    expect(issues).toEqual([
      { file: 'p/v1.yaml', line: 3, column: 5, path: 'list[0].x', message: 'bad' },
    ]);
  });

  it('reports syntax errors, duplicate keys and multiple documents with their line', () => {
    for (const [text, line] of [
      ['a: 1\nb: [\n', 3],
      ['a: 1\na: 2\n', 2],
      ['a: 1\n---\nb: 2\n', 2],
    ] as const) {
      const issues: TemplateLoadIssue[] = [];
      expect(YamlFile.parse(text, 'f.yaml', issues)).toBeUndefined();
      expect(issues[0]).toMatchObject({ file: 'f.yaml', line });
    }
  });
});
