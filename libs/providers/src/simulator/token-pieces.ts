import { o200k } from './o200k';
import { PLAIN_TEXT } from './token-count';

/** A run of the text that is one token, or a few when a character spans several tokens. */
export interface TokenPiece {
  text: string;
  tokens: number;
}

/**
 * Splits a text into its tokens' texts. The pieces join back to the text and their token counts
 * sum to the text's token count. Tokens that hold part of a UTF-8 character are merged with the
 * following ones (the library's decoder is stateful, so partial tokens are never decoded alone).
 */
export function tokenPieces(text: string): TokenPiece[] {
  if (text.length === 0) return [];
  const ids = o200k().encode(text, PLAIN_TEXT);
  const pieces: TokenPiece[] = [];
  let consumed = 0;
  let counted = 0;
  const counting: Iterable<number> = {
    *[Symbol.iterator]() {
      for (const id of ids) {
        consumed++;
        yield id;
      }
    },
  };
  for (const piece of o200k().decodeGenerator(counting)) {
    pieces.push({ text: piece, tokens: consumed - counted });
    counted = consumed;
  }
  return pieces;
}

export function sumTokens(pieces: readonly TokenPiece[]): number {
  let total = 0;
  for (const piece of pieces) total += piece.tokens;
  return total;
}

export const joinPieces = (pieces: readonly TokenPiece[]): string =>
  pieces.map((piece) => piece.text).join('');

export interface Truncated {
  text: string;
  pieces: TokenPiece[];
  truncated: boolean;
}

/**
 * The longest prefix (at token boundaries) of the text made of `pieces` that is at most
 * `maxTokens` tokens long when tokenised again on its own, with its pieces.
 */
export function truncatePieces(pieces: TokenPiece[], maxTokens: number): Truncated {
  if (sumTokens(pieces) <= maxTokens) return { text: joinPieces(pieces), pieces, truncated: false };
  let keep = 0;
  let tokens = 0;
  while (keep < pieces.length && tokens + pieces[keep].tokens <= maxTokens) {
    tokens += pieces[keep].tokens;
    keep++;
  }
  // A prefix can tokenise differently from the same tokens inside the whole text: re-check it.
  for (; keep > 0; keep--) {
    const prefix = joinPieces(pieces.slice(0, keep));
    const prefixPieces = tokenPieces(prefix);
    if (sumTokens(prefixPieces) <= maxTokens) {
      return { text: prefix, pieces: prefixPieces, truncated: true };
    }
  }
  return { text: '', pieces: [], truncated: true };
}

/** truncatePieces for a text */
export function truncateToTokens(text: string, maxTokens: number): Truncated {
  return truncatePieces(tokenPieces(text), maxTokens);
}
