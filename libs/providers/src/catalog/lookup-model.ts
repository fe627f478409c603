import type { Pricing } from '@app/core';
import { MODEL_CATALOG, type ModelLimits } from './model-catalog';
import { MODEL_PRICES, toPricing } from './model-prices';

/** Characters that may follow a known name in a longer one: `-2024-08-06`, `:8b`, `@20241022`. */
const SEPARATORS = new Set(['-', ':', '@', '_']);

/** A table of models by catalog name, looked up by exact name, then by longest known prefix. */
class ModelTable<T> {
  private readonly known: Map<string, T>;
  private readonly byLength: string[];

  constructor(entries: Readonly<Record<string, T>>) {
    this.known = new Map(Object.entries(entries));
    this.byLength = [...this.known.keys()].sort((a, b) => b.length - a.length);
  }

  find(model: string): T | undefined {
    const name = catalogName(model);
    const exact = this.known.get(name);
    if (exact !== undefined) return exact;
    const prefix = this.byLength.find(
      (known) =>
        name.length > known.length && name.startsWith(known) && SEPARATORS.has(name[known.length]),
    );
    return prefix === undefined ? undefined : this.known.get(prefix);
  }
}

const LIMITS = new ModelTable(MODEL_CATALOG);
const PRICES = new ModelTable(MODEL_PRICES);

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
  const limits = LIMITS.find(model);
  return limits === undefined ? undefined : { ...limits };
}

/**
 * The published list price of a model (`MODEL_PRICES`), found like its limits. Undefined when the
 * list does not have it: a deployment of such a model is priced only by its own `pricing`.
 */
export function lookupPricing(model: string): Pricing | undefined {
  const entry = PRICES.find(model);
  return entry === undefined ? undefined : toPricing(entry);
}
