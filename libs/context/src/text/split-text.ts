export interface TextChunk {
  text: string;
  /** offsets of the chunk in the original text: `text === original.slice(start, end)` */
  start: number;
  end: number;
  /** tokens of the chunk, as the sum of its pieces (at least the exact count, give or take one) */
  tokens: number;
}

export interface ChunkingOptions {
  /** most tokens per chunk */
  chunkTokens: number;
  /** tokens repeated from the end of one chunk at the start of the next */
  overlapTokens: number;
}

interface Piece {
  start: number;
  end: number;
  tokens: number;
}

const SENTENCE_END = new Set(['.', '!', '?', '\u3002', '\uff01', '\uff1f']);
const CJK_SENTENCE_END = new Set(['\u3002', '\uff01', '\uff1f']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * Boundaries between sentences and lines. A boundary sits after a newline run, or after a
 * sentence end and before the whitespace that follows it: the BPE pre-tokenizers glue a space to
 * the word after it, so cutting there keeps the pieces' counts close to the whole's.
 */
function sentenceBoundaries(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === '\n') {
      while (i + 1 < to && (text[i + 1] === '\n' || text[i + 1] === '\r')) i++;
      if (i + 1 < to) cuts.push(i + 1);
    } else if (SENTENCE_END.has(ch)) {
      while (i + 1 < to && SENTENCE_END.has(text[i + 1])) i++;
      const next = text[i + 1];
      // before a newline, the newline run is the boundary (punctuation glues to it)
      const spaceAfter = next === ' ' || next === '\t';
      if (i + 1 < to && (spaceAfter || CJK_SENTENCE_END.has(ch))) cuts.push(i + 1);
    }
  }
  return cuts;
}

/** Boundaries before each whitespace run that follows a non-space (word boundaries). */
function wordBoundaries(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  for (let i = from + 1; i < to; i++) {
    if (isSpace(text[i]) && !isSpace(text[i - 1])) cuts.push(i);
  }
  return cuts;
}

function spans(from: number, to: number, cuts: readonly number[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let start = from;
  for (const cut of cuts) {
    if (cut > start && cut < to) {
      result.push([start, cut]);
      start = cut;
    }
  }
  if (start < to) result.push([start, to]);
  return result;
}

/** Cuts a span with no usable boundary into pieces of at most `limit` tokens (code point safe). */
function hardSplit(
  text: string,
  from: number,
  to: number,
  limit: number,
  count: (text: string) => number,
): Piece[] {
  const pieces: Piece[] = [];
  let start = from;
  while (start < to) {
    let low = start + 1;
    let high = to;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (count(text.slice(start, mid)) <= limit) low = mid;
      else high = mid - 1;
    }
    let end = low;
    const code = text.charCodeAt(end - 1);
    if (end < to && end - start > 1 && code >= 0xd800 && code <= 0xdbff) end--;
    pieces.push({ start, end, tokens: count(text.slice(start, end)) });
    start = end;
  }
  return pieces;
}

/** Sentences, or words, or character runs: the largest units that fit in a chunk. */
function pieces(text: string, limit: number, count: (text: string) => number): Piece[] {
  const result: Piece[] = [];
  for (const [start, end] of spans(0, text.length, sentenceBoundaries(text, 0, text.length))) {
    const tokens = count(text.slice(start, end));
    if (tokens <= limit) {
      result.push({ start, end, tokens });
      continue;
    }
    for (const [wordStart, wordEnd] of spans(start, end, wordBoundaries(text, start, end))) {
      const wordTokens = count(text.slice(wordStart, wordEnd));
      if (wordTokens <= limit) result.push({ start: wordStart, end: wordEnd, tokens: wordTokens });
      else result.push(...hardSplit(text, wordStart, wordEnd, limit, count));
    }
  }
  return result;
}

/**
 * Splits a text into chunks of about `chunkTokens` tokens, cutting at sentence or line ends where
 * it can, at word boundaries where it must, and inside a word only when one word is larger than a
 * chunk. Consecutive chunks share up to `overlapTokens` tokens of whole sentences.
 */
export function splitIntoChunks(
  text: string,
  count: (text: string) => number,
  options: ChunkingOptions,
): TextChunk[] {
  if (text.length === 0) return [];
  const limit = Math.max(1, Math.floor(options.chunkTokens));
  const overlapLimit = Math.max(0, Math.min(Math.floor(options.overlapTokens), limit - 1));
  const units = pieces(text, limit, count);
  const chunks: TextChunk[] = [];
  let first = 0;
  while (first < units.length) {
    let end = first;
    let tokens = 0;
    while (end < units.length && (end === first || tokens + units[end].tokens <= limit)) {
      tokens += units[end].tokens;
      end++;
    }
    const start = units[first].start;
    const stop = units[end - 1].end;
    chunks.push({ text: text.slice(start, stop), start, end: stop, tokens });
    if (end >= units.length) break;
    let next = end;
    let overlap = 0;
    while (next - 1 > first && overlap + units[next - 1].tokens <= overlapLimit) {
      overlap += units[next - 1].tokens;
      next--;
    }
    first = next;
  }
  return chunks;
}
