/** The BPE encodings the gateway counts exactly. */
export type BpeEncodingName = 'o200k_base' | 'cl100k_base';

interface EncodingRule {
  pattern: RegExp;
  encoding: BpeEncodingName;
}

/**
 * Model families and their encodings, as in tiktoken's `model.py`. Order matters: the o200k
 * families (`gpt-4o`, `gpt-4.1`) must be tried before the plain `gpt-4` rule. The patterns accept
 * dated snapshots (`gpt-4o-mini-2024-07-18`) and Azure-style spellings (`gpt-35-turbo`, `gpt4o`).
 */
const RULES: readonly EncodingRule[] = [
  { pattern: /^(?:chatgpt-4o|gpt-?4o)(?![a-z0-9])/, encoding: 'o200k_base' },
  { pattern: /^gpt-?4\.[15](?!\d)/, encoding: 'o200k_base' },
  { pattern: /^gpt-?5(?!\d)/, encoding: 'o200k_base' },
  { pattern: /^o[134](?![a-z0-9])/, encoding: 'o200k_base' },
  { pattern: /^(?:codex-mini|computer-use-preview)(?![a-z0-9])/, encoding: 'o200k_base' },
  { pattern: /^gpt-?3\.?5(?!\d)/, encoding: 'cl100k_base' },
  { pattern: /^gpt-?4(?![a-z0-9.])/, encoding: 'cl100k_base' },
  { pattern: /^text-embedding-(?:3-|ada-002)/, encoding: 'cl100k_base' },
];

/**
 * The model's own name without routing decorations: lower case, without a provider path
 * (`openai/gpt-4o`, `azure/gpt-4o`) and without the fine-tune prefix (`ft:gpt-4o-mini:org::id`).
 */
export function normalizeModelName(model: string): string {
  let name = model.trim().toLowerCase();
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  if (name.startsWith('ft:')) name = name.slice(3);
  return name;
}

/** The encoding OpenAI uses for the model, or undefined when the model is not an OpenAI one. */
export function encodingForModel(model: string): BpeEncodingName | undefined {
  const name = normalizeModelName(model);
  for (const rule of RULES) {
    if (rule.pattern.test(name)) return rule.encoding;
  }
  return undefined;
}
