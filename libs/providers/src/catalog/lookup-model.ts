import { MODEL_CATALOG, type ModelLimits } from './model-catalog';

/** Characters that may follow a known name in a longer one: `-2024-08-06`, `:8b`, `@20241022`. */
const SEPARATORS = new Set(['-', ':', '@', '_']);

const KNOWN = new Map<string, ModelLimits>(Object.entries(MODEL_CATALOG));
const KNOWN_BY_LENGTH = [...KNOWN.keys()].sort((a, b) => b.length - a.length);

/**
 * The name as the catalog spells it: lower case, without a provider path (`openai/gpt-4o`,
 * `models/gemini-1.5-pro`), a fine-tune prefix (`ft:`), a Bedrock vendor prefix
 * (`us.anthropic.claude-...`), with Azure's `gpt-35` as `gpt-3.5` and OpenRouter's
 * `claude-3.5-sonnet` as `claude-3-5-sonnet`.
 */
export function catalogName(model: string): string {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  if (name.startsWith('ft:')) name = name.slice(3);
  name = name.replace(/^(?:[a-z]{2}\.)?anthropic\./, '');
  name = name.replace(/^gpt-35(?=-|$)/, 'gpt-3.5');
  if (name.startsWith('claude-')) name = name.replace(/(\d)\.(\d)/g, '$1-$2');
  return name;
}

/**
 * Context window and output limit of a model: by exact name, else by the longest known name it
 * starts with followed by a separator (dated snapshots, tags, `-latest`). Undefined when unknown.
 */
export function lookupModel(model: string): ModelLimits | undefined {
  const name = catalogName(model);
  const exact = KNOWN.get(name);
  if (exact !== undefined) return { ...exact };
  const prefix = KNOWN_BY_LENGTH.find(
    (known) =>
      name.length > known.length && name.startsWith(known) && SEPARATORS.has(name[known.length]),
  );
  const limits = prefix === undefined ? undefined : KNOWN.get(prefix);
  return limits === undefined ? undefined : { ...limits };
}
