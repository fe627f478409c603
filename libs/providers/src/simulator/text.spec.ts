import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createRng } from './prng';
import { generateSentence, generateText, generateTextPieces } from './text';
import { tokenPieces } from './token-pieces';
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

describe('text generation', () => {
  it('builds capitalised English sentences ending with a period', () => {
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) {
      const sentence = generateSentence(rng);
      expect(sentence).toMatch(/^[A-Z][a-z ,]+[a-z]\.$/);
      expect(sentence).not.toMatch(/lorem|ipsum| ,/i);
    }
  });

  it('is a pure function of the generator state', () => {
    expect(generateText(createRng(5), 60)).toBe(generateText(createRng(5), 60));
    expect(generateText(createRng(5), 60)).not.toBe(generateText(createRng(6), 60));
  });

  it('reaches at least the requested number of tokens and ends with a period', () => {
    for (const min of [1, 20, 57, 120, 500]) {
      const text = generateText(createRng(min), min);
      const tokens = countTokens(text);
      expect(tokens).toBeGreaterThanOrEqual(min);
      expect(tokens).toBeLessThan(min + 40);
      expect(text.endsWith('.')).toBe(true);
      expect(text).not.toMatch(/ {2}|\.\S/);
    }
  });

  it('its cached pieces are exactly the tokenizer pieces of the text', () => {
    for (let seed = 0; seed < 300; seed++) {
      const pieces = generateTextPieces(createRng(seed), 120);
      const text = pieces.map((p) => p.text).join('');
      expect(pieces).toEqual(tokenPieces(text));
    }
  });

  it('every vocabulary word is one o200k pre-token (letters, at most the first upper case)', () => {
    const lists = [ADJECTIVES, ADVERBS, EVALUATIONS, NOUNS, OPENERS, PREPOSITIONS, PRONOUNS];
    for (const list of [...lists, SUBJECTS, VERBS_3RD, VERBS_BASE]) {
      for (const phrase of list) {
        for (const word of phrase.replace(/,/g, '').split(' ')) {
          expect(word).toMatch(/^[A-Za-z][a-z]*$/);
        }
      }
    }
  });
});

describe('text generation with a length bound', () => {
  it('leaves out sentences that would exceed the bound, except the first', () => {
    for (let seed = 0; seed < 50; seed++) {
      const pieces = generateTextPieces(createRng(seed), 50, 60);
      const tokens = pieces.reduce((sum, p) => sum + p.tokens, 0);
      expect(tokens).toBeLessThanOrEqual(60);
      expect(pieces.at(-1)!.text).toBe('.');
    }
    const one = generateTextPieces(createRng(1), 100, 2);
    expect(one.at(-1)!.text).toBe('.');
    expect(one.reduce((sum, p) => sum + p.tokens, 0)).toBeGreaterThan(2);
  });
});
