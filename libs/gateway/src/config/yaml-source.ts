import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { ConfigError } from './config-error';
import type { ConfigPath } from './config-path';

export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed YAML file: its plain value, and where in the text each path is. */
export interface YamlSource {
  value: unknown;
  locate(path: ConfigPath): SourcePosition | undefined;
}

/**
 * Parses YAML 1.2 (core schema: `yes`/`no` and dates stay strings; duplicate keys are errors).
 * Syntax errors become a ConfigError naming the file, line and column; the message does not
 * quote the offending text (it may hold a secret).
 */
export function parseYaml(text: string, sourceName: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      sourceName,
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          path: '(yaml syntax)',
          message: withoutQuotedText(error.message),
          line,
          column: col,
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(sourceName, [{ path: '(yaml)', message }]);
  }
  return { value, locate: (path) => locate(doc, lineCounter, path) };
}

/** `Unexpected scalar token in YAML stream: "sk-..."`: the token may be a secret; drop it. */
function withoutQuotedText(message: string): string {
  return message.replace(/: ".*"$/s, '');
}

/** The position of the key (or list item) at `path`, else of its nearest existing ancestor. */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: ConfigPath,
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let offset = startOf(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === segment,
      );
      if (pair === undefined) break;
      offset = startOf(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = startOf(node) ?? offset;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}
