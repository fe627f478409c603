import type { JsonSchema, ToolDefinition } from '@app/core';

/**
 * Renders tool definitions the way OpenAI shows functions to the model (a TypeScript namespace),
 * which is what gpt-tokenizer's `formatFunctionDefinitions` counts. Works on any JSON Schema:
 * constructs it does not know (`oneOf`, type arrays) render as `any`, like gpt-tokenizer's.
 */
export function formatToolDefinitions(tools: readonly ToolDefinition[]): string {
  const lines = ['namespace functions {', ''];
  for (const tool of tools) {
    const fn = tool.function;
    if (fn.description) lines.push(`// ${fn.description}`);
    const properties = objectProperties(fn.parameters);
    if (!fn.parameters || !properties || Object.keys(properties).length === 0) {
      lines.push(`type ${fn.name} = () => any;`);
    } else {
      lines.push(`type ${fn.name} = (_: {`);
      const formatted = formatProperties(fn.parameters, 0);
      if (formatted.length > 0) lines.push(formatted);
      lines.push('}) => any;');
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectProperties(schema: JsonSchema | undefined): Record<string, unknown> | undefined {
  return schema && isRecord(schema.properties) ? schema.properties : undefined;
}

function formatProperties(schema: JsonSchema, indent: number): string {
  const properties = objectProperties(schema);
  if (!properties) return '';
  const required = new Set(
    Array.isArray(schema.required)
      ? schema.required.filter((r): r is string => typeof r === 'string')
      : [],
  );
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const property = isRecord(value) ? value : {};
    if (typeof property.description === 'string' && property.description && indent < 2) {
      lines.push(`${pad}// ${property.description}`);
    }
    lines.push(`${pad}${name}${required.has(name) ? '' : '?'}: ${formatType(property, indent)},`);
  }
  return lines.join('\n');
}

function formatEnum(values: unknown, quote: boolean): string | undefined {
  if (!Array.isArray(values)) return undefined;
  return values.map((v) => (quote ? JSON.stringify(v) : String(v))).join(' | ');
}

function formatType(property: Record<string, unknown>, indent: number): string {
  switch (property.type) {
    case 'string':
      return formatEnum(property.enum, true) ?? 'string';
    case 'integer':
    case 'number':
      return formatEnum(property.enum, false) ?? 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return isRecord(property.items) ? `${formatType(property.items, indent)}[]` : 'any[]';
    case 'object':
      return `{\n${formatProperties(property, indent + 2)}\n${' '.repeat(indent)}}`;
    default:
      return 'any';
  }
}
