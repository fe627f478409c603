import type { Rng } from './prng';
import { tokenPieces, type TokenPiece } from './token-pieces';
import {
  ADJECTIVES,
  ADVERBS,
  EVALUATIONS,
  NOUNS,
  OPENERS,
  PREPOSITIONS,
  PRONOUNS,
  SUBJECTS,
  VERBS_3RD,
  VERBS_BASE,
} from './vocabulary';

/**
 * Plausible English sentences from a small grammar over the vocabulary.
 *
 * Replies are built as fragments that are each exactly one pre-token of the o200k tokenizer (a
 * word with its leading space, or a `,` / `.`), so their tokens come from a per-fragment cache and
 * generated text is never run through the tokenizer as a whole: the benchmark path stays cheap.
 * This holds because every vocabulary word is ASCII letters with at most its first letter upper
 * case (checked by the spec).
 */

type Words = string[];

const PUNCTUATION = new Set([',', '.']);
const phraseCache = new Map<string, readonly string[]>();

/** "the support team," -> ['the', 'support', 'team', ','] (cached: the vocabulary is fixed) */
function words(phrase: string): readonly string[] {
  let split = phraseCache.get(phrase);
  if (split === undefined) {
    split = phrase
      .split(' ')
      .flatMap((w) => (w.endsWith(',') ? [w.slice(0, -1), ','] : [w]))
      .filter((w) => w !== '');
    phraseCache.set(phrase, split);
  }
  return split;
}

function add(out: Words, ...phrases: string[]): void {
  for (const phrase of phrases) for (const word of words(phrase)) out.push(word);
}

function objectPhrase(rng: Rng, out: Words): void {
  if (rng.chance(0.6)) add(out, 'the', rng.pick(ADJECTIVES), rng.pick(NOUNS));
  else add(out, 'the', rng.pick(NOUNS));
}

function clause(rng: Rng, out: Words): void {
  add(out, rng.pick(SUBJECTS), rng.pick(VERBS_3RD));
  objectPhrase(rng, out);
}

const PATTERNS: readonly ((rng: Rng, out: Words) => void)[] = [
  (rng, out) => {
    clause(rng, out);
    add(out, rng.pick(PREPOSITIONS));
  },
  (rng, out) => {
    add(out, rng.pick(PRONOUNS), 'can', rng.pick(VERBS_BASE));
    objectPhrase(rng, out);
    add(out, rng.pick(ADVERBS));
  },
  (rng, out) => {
    add(out, 'it is', rng.pick(EVALUATIONS), 'to', rng.pick(VERBS_BASE));
    objectPhrase(rng, out);
    add(out, rng.pick(PREPOSITIONS));
  },
  (rng, out) => {
    clause(rng, out);
    add(out, ',', 'and');
    clause(rng, out);
  },
  (rng, out) => {
    add(out, 'if');
    clause(rng, out);
    add(out, ',', rng.pick(PRONOUNS), 'should', rng.pick(VERBS_BASE));
    objectPhrase(rng, out);
  },
];

/** One sentence as words and punctuation, capitalised, ending with a period. */
export function sentenceWords(rng: Rng): Words {
  const out: Words = [];
  if (rng.chance(0.3)) add(out, rng.pick(OPENERS));
  rng.pick(PATTERNS)(rng, out);
  out[0] = out[0].charAt(0).toUpperCase() + out[0].slice(1);
  out.push('.');
  return out;
}

export function generateSentence(rng: Rng): string {
  return sentenceWords(rng)
    .map((w, i) => (i === 0 || PUNCTUATION.has(w) ? w : ` ${w}`))
    .join('');
}

/** token pieces per word, bare and with a leading space (keyed by the word: no string building) */
const bareCache = new Map<string, readonly TokenPiece[]>();
const spacedCache = new Map<string, readonly TokenPiece[]>();

function wordPieces(word: string, spaced: boolean): readonly TokenPiece[] {
  const cache = spaced ? spacedCache : bareCache;
  let pieces = cache.get(word);
  if (pieces === undefined) {
    pieces = tokenPieces(spaced ? ` ${word}` : word);
    cache.set(word, pieces);
  }
  return pieces;
}

/**
 * Whole sentences until the text has at least `minTokens` tokens, with its token pieces (joined,
 * they are the text; their counts sum to its o200k token count). Always ends with a period.
 * A sentence that would take the text over `maxTokens` is left out, unless it is the first one.
 */
export function generateTextPieces(
  rng: Rng,
  minTokens: number,
  maxTokens = Number.POSITIVE_INFINITY,
): TokenPiece[] {
  const pieces: TokenPiece[] = [];
  let tokens = 0;
  do {
    const sentence = sentenceWords(rng);
    const start = pieces.length;
    let added = 0;
    for (let i = 0; i < sentence.length; i++) {
      const word = sentence[i];
      const spaced = !PUNCTUATION.has(word) && (i > 0 || start > 0);
      for (const piece of wordPieces(word, spaced)) {
        pieces.push(piece);
        added += piece.tokens;
      }
    }
    if (start > 0 && tokens + added > maxTokens) {
      pieces.length = start;
      break;
    }
    tokens += added;
  } while (tokens < minTokens);
  return pieces;
}

export function generateText(rng: Rng, minTokens: number): string {
  return generateTextPieces(rng, minTokens)
    .map((p) => p.text)
    .join('');
}
