import type { Pricing } from '@app/core';

/** A price entry: cached input and cache writes default to the input price. */
type PriceEntry = Pick<Pricing, 'inputPerMTok' | 'outputPerMTok'> & Partial<Pricing>;

/**
 * Published list prices in USD per million tokens (standard tier, prompts up to 200k tokens where
 * the price steps up above that), by model name as the catalog spells it; dated snapshots and tags
 * resolve by prefix like the limits (`lookupPricing`). Checked against the providers' pricing pages
 * as of 2025; prices change, so a deployment's own `pricing` always wins over this list.
 *
 * Anthropic: cache writes are the 5-minute writes (1.25x input), cache reads 0.1x input.
 */
export const MODEL_PRICES: Readonly<Record<string, PriceEntry>> = {
  // OpenAI
  'gpt-3.5-turbo': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
  'gpt-4': { inputPerMTok: 30, outputPerMTok: 60 },
  'gpt-4-turbo': { inputPerMTok: 10, outputPerMTok: 30 },
  'gpt-4o': { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-4o-2024-05-13': { inputPerMTok: 5, outputPerMTok: 15 },
  'gpt-4o-mini': { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
  o1: { inputPerMTok: 15, cachedInputPerMTok: 7.5, outputPerMTok: 60 },
  'o1-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.55, outputPerMTok: 4.4 },
  o3: { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 },
  'o3-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.55, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, cachedInputPerMTok: 0.275, outputPerMTok: 4.4 },
  'gpt-5': { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, cachedInputPerMTok: 0.025, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, cachedInputPerMTok: 0.005, outputPerMTok: 0.4 },
  'gpt-5-chat': { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },

  // Anthropic
  'claude-3-haiku': anthropic(0.25, 1.25),
  'claude-3-5-haiku': anthropic(0.8, 4),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-sonnet': anthropic(3, 15),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-sonnet-4': anthropic(3, 15),
  'claude-sonnet-4-5': anthropic(3, 15),
  'claude-3-opus': anthropic(15, 75),
  'claude-opus-4': anthropic(15, 75),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4-5': anthropic(5, 25),

  // Google
  'gemini-1.5-flash': { inputPerMTok: 0.075, outputPerMTok: 0.3 },
  'gemini-1.5-pro': { inputPerMTok: 1.25, outputPerMTok: 5 },
  'gemini-2.0-flash': { inputPerMTok: 0.1, cachedInputPerMTok: 0.025, outputPerMTok: 0.4 },
  'gemini-2.0-flash-lite': { inputPerMTok: 0.075, outputPerMTok: 0.3 },
  'gemini-2.5-flash': { inputPerMTok: 0.3, cachedInputPerMTok: 0.03, outputPerMTok: 2.5 },
  'gemini-2.5-flash-lite': { inputPerMTok: 0.1, cachedInputPerMTok: 0.01, outputPerMTok: 0.4 },
  'gemini-2.5-pro': { inputPerMTok: 1.25, cachedInputPerMTok: 0.125, outputPerMTok: 10 },
};

function anthropic(inputPerMTok: number, outputPerMTok: number): PriceEntry {
  return {
    inputPerMTok,
    outputPerMTok,
    cachedInputPerMTok: round6(inputPerMTok * 0.1),
    cacheWritePerMTok: round6(inputPerMTok * 1.25),
  };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** A price entry with its defaults filled in. */
export function toPricing(entry: PriceEntry): Pricing {
  const pricing: Pricing = {
    inputPerMTok: entry.inputPerMTok,
    cachedInputPerMTok: entry.cachedInputPerMTok ?? entry.inputPerMTok,
    cacheWritePerMTok: entry.cacheWritePerMTok ?? entry.inputPerMTok,
    outputPerMTok: entry.outputPerMTok,
  };
  if (entry.reasoningPerMTok !== undefined) pricing.reasoningPerMTok = entry.reasoningPerMTok;
  return pricing;
}
