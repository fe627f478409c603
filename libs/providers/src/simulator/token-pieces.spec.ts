import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { sumTokens, tokenPieces, truncateToTokens } from './token-pieces';

describe('token pieces', () => {
  it('splits English text into one piece per token', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const pieces = tokenPieces(text);
    expect(pieces.map((p) => p.text)).toEqual([
      'The',
      ' quick',
      ' brown',
      ' fox',
      ' jumps',
      ' over',
      ' the',
      ' lazy',
      ' dog',
      '.',
    ]);
    expect(pieces.every((p) => p.tokens === 1)).toBe(true);
  });

  it('keeps multi-token characters whole and the counts exact', () => {
    const text = 'Ancient signs 𓀀𓀁 and ꙮ with 𝔘𝔫𝔦 done, plus Grüße aus 東京 🚀.';
    const pieces = tokenPieces(text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(sumTokens(pieces)).toBe(countTokens(text));
    expect(pieces.some((p) => p.tokens > 1)).toBe(true);
    expect(pieces.every((p) => !p.text.includes('\uFFFD'))).toBe(true);
    // the shared decoder is left clean: a later split is unaffected
    expect(tokenPieces('plain').map((p) => p.text)).toEqual(['plain']);
  });

  it('returns no pieces for empty text', () => {
    expect(tokenPieces('')).toEqual([]);
  });

  it('truncates to at most the given number of tokens', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const cut = truncateToTokens(text, 4);
    expect(cut).toEqual({
      text: 'The quick brown fox',
      pieces: tokenPieces('The quick brown fox'),
      truncated: true,
    });
    expect(truncateToTokens(text, 100).truncated).toBe(false);
    expect(truncateToTokens(text, 0)).toEqual({ text: '', pieces: [], truncated: true });
    const odd = truncateToTokens('𓀀𓀁𓀂 tail', 5);
    expect(countTokens(odd.text)).toBeLessThanOrEqual(5);
    expect(sumTokens(odd.pieces)).toBe(countTokens(odd.text));
  });
});
