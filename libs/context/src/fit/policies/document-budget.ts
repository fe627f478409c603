import { largestDocument, type DocumentSlot } from '../document';
import { contextTooLong } from '../fit-errors';
import type { PolicyContext } from '../policy-context';

export const DEFAULT_CHUNK_TOKENS = 2000;
export const DEFAULT_OVERLAP_TOKENS = 100;
/** less room than this for the document: 400 rather than a useless stub */
export const MIN_DOCUMENT_TOKENS = 32;
/** slack for framing that is not additive (the system newline with tools) */
const SLACK_TOKENS = 2;

export interface DocumentPlan {
  slot: DocumentSlot;
  /** most tokens the document's replacement may use */
  budget: number;
}

/** The largest document and the room for its replacement; 400 when there is too little room. */
export function planDocument(context: PolicyContext): DocumentPlan {
  const slot = largestDocument(context.messages, (text) =>
    context.counter.countText(text, context.model),
  );
  const budget = slot
    ? context.budget.input - (context.tokensBefore - slot.tokens) - SLACK_TOKENS
    : 0;
  if (slot === undefined || budget < MIN_DOCUMENT_TOKENS) {
    throw contextTooLong(
      context.tokensBefore,
      context.budget,
      'the rest of the request leaves no room for the document',
    );
  }
  return { slot, budget };
}

export function chunkingOptions(context: PolicyContext): {
  chunkTokens: number;
  overlapTokens: number;
} {
  return {
    chunkTokens: Math.max(1, context.options.chunkTokens ?? DEFAULT_CHUNK_TOKENS),
    overlapTokens: Math.max(0, context.options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS),
  };
}
