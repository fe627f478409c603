import {
  LineCounter,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { TemplateLoadIssue } from './template-load-error';

/** A location inside a YAML document: mapping keys and list indexes, outermost first. */
export type FieldPath = readonly (string | number)[];

export interface Position {
  line: number;
  column?: number;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a path the way a reader finds it in the file: `messages[1].content`. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(root)' : text;
}

/**
 * One parsed YAML file (YAML 1.2 core schema, duplicate keys are errors, one document only).
 * Knows where each field is, so every problem it reports names the file and the line.
 */
export class YamlFile {
  private constructor(
    /** the file, relative to the prompts directory */
    readonly file: string,
    /** the plain value of the document (null for an empty file) */
    readonly value: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly issues: TemplateLoadIssue[],
  ) {}

  /** Parses `text`; on a syntax error reports it (with its line) to `issues` and returns undefined. */
  static parse(text: string, file: string, issues: TemplateLoadIssue[]): YamlFile | undefined {
    const lines = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, col } = lines.linePos(error.pos[0]);
        issues.push({ file, line, column: col, message: `YAML syntax error: ${error.message}` });
      }
      return undefined;
    }
    try {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      return new YamlFile(file, value, doc, lines, issues);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      issues.push({ file, message: `YAML error: ${message}` });
      return undefined;
    }
  }

  /** Records a problem with the field at `path`, located at that field (or its nearest parent). */
  report(path: FieldPath, message: string): void {
    this.issues.push({ file: this.file, ...this.locate(path), path: formatPath(path), message });
  }

  /** Records a problem at a known position. */
  reportAt(position: Position | undefined, path: FieldPath, message: string): void {
    this.issues.push({ file: this.file, ...position, path: formatPath(path), message });
  }

  /** The value node at `path`, if the document has one there. */
  node(path: FieldPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      node = child(node, segment)?.value;
      if (node === undefined) return undefined;
    }
    return isNode(node) ? node : undefined;
  }

  /** The position of the key (or list item) at `path`, else of its nearest existing parent. */
  locate(path: FieldPath): Position | undefined {
    let node: unknown = this.doc.contents;
    let offset = startOf(node);
    for (const segment of path) {
      const found = child(node, segment);
      if (found === undefined) break;
      offset = startOf(found.at) ?? offset;
      node = found.value;
    }
    return offset === undefined ? undefined : this.position(offset);
  }

  /** The 1-based line and column of a character offset in the file. */
  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** the child at `segment`: `at` is what to point at (the key, or the list item), `value` the value */
function child(
  node: unknown,
  segment: string | number,
): { at: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isScalar(item.key) && String(item.key.value) === segment,
    );
    return pair === undefined ? undefined : { at: pair.key, value: pair.value };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { at: item, value: item };
  }
  return undefined;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}
