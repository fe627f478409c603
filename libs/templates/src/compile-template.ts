import { Scalar, isScalar } from 'yaml';
import { LiquidError, type Liquid, type Template } from 'liquidjs';
import { isMapping } from './fields';
import type { VariablesSchema } from './read-variables';
import type { FieldPath, Position, YamlFile } from './yaml-file';

/** Properties Liquid answers on any object, array or string: not a schema field. */
const BUILT_IN_PROPERTIES = new Set(['size', 'first', 'last']);

/**
 * Parses one message's template once, at load, and checks statically that every variable it
 * reads is declared in the version's schema (nested fields too, where the schema lists them).
 * Problems are reported at the line in the YAML file, as near as the scalar style allows.
 */
export function compileTemplate(
  file: YamlFile,
  path: FieldPath,
  source: string,
  liquid: Liquid,
  variables: VariablesSchema | undefined,
): Template[] | undefined {
  let template: Template[];
  try {
    template = liquid.parse(source);
  } catch (error) {
    const [row, column] = error instanceof LiquidError ? error.token.getPosition() : [1, 1];
    const reason = error instanceof Error ? withoutPosition(error.message) : String(error);
    file.reportAt(
      contentPosition(file, path, row, column),
      path,
      `Liquid syntax error: ${reason} (template line ${row})`,
    );
    return undefined;
  }
  if (variables !== undefined) checkReferences(file, path, template, liquid, variables);
  return template;
}

function checkReferences(
  file: YamlFile,
  path: FieldPath,
  template: Template[],
  liquid: Liquid,
  variables: VariablesSchema,
): void {
  const { globals } = liquid.analyzeSync(template, { partials: false });
  for (const [name, uses] of Object.entries(globals)) {
    const first = uses[0];
    if (first === undefined) continue;
    const at = contentPosition(file, path, first.location.row, first.location.col);
    if (!variables.declared.has(name)) {
      file.reportAt(
        at,
        path,
        `undeclared variable '${name}' (template line ${first.location.row}); declare it under variables.properties`,
      );
      continue;
    }
    for (const use of uses) {
      const undeclared = undeclaredField(use.toArray(), variables.properties);
      if (undeclared === undefined) continue;
      const where = contentPosition(file, path, use.location.row, use.location.col);
      file.reportAt(
        where,
        path,
        `'${undeclared}' is not declared in the variables schema (template line ${use.location.row})`,
      );
      break;
    }
  }
}

/** the dotted path of the first segment the schema says does not exist, if any */
function undeclaredField(
  segments: ReadonlyArray<unknown>,
  properties: Readonly<Record<string, unknown>>,
): string | undefined {
  let schema: unknown = properties[String(segments[0])];
  const walked = [String(segments[0])];
  for (const segment of segments.slice(1)) {
    if (typeof segment !== 'string' || BUILT_IN_PROPERTIES.has(segment)) return undefined;
    if (!isMapping(schema) || !isMapping(schema.properties)) return undefined;
    walked.push(segment);
    if (!Object.hasOwn(schema.properties, segment)) {
      return schema.additionalProperties === false ? walked.join('.') : undefined;
    }
    schema = schema.properties[segment];
  }
  return undefined;
}

/**
 * Where line `row` of a message's content is in the YAML file: exact for a literal block
 * (`content: |`), the first content line for a folded block, the scalar's own line otherwise.
 */
export function contentPosition(
  file: YamlFile,
  path: FieldPath,
  row: number,
  column: number,
): Position | undefined {
  const node = file.node(path);
  if (!isScalar(node) || node.range === undefined || node.range === null) return file.locate(path);
  const start = file.position(node.range[0]);
  switch (node.type) {
    case Scalar.BLOCK_LITERAL:
      return { line: start.line + row };
    case Scalar.BLOCK_FOLDED:
      return { line: start.line + 1 };
    case Scalar.PLAIN:
      return row === 1 ? { line: start.line, column: (start.column ?? 1) + column - 1 } : start;
    default:
      return row === 1 ? { line: start.line, column: (start.column ?? 1) + column } : start;
  }
}

/** liquidjs appends `, line:2, col:5`; the report gives the file's own line instead */
function withoutPosition(message: string): string {
  return message.replace(/, line:\d+, col:\d+[\s\S]*$/, '');
}
