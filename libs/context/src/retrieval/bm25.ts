import { terms } from './terms';

export interface Bm25Options {
  /** term frequency saturation */
  k1?: number;
  /** length normalisation */
  b?: number;
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * Okapi BM25 scores of each document for the query (same order as `documents`), with
 * idf = ln(1 + (N - df + 0.5) / (df + 0.5)), which is never negative.
 */
export function bm25Scores(
  query: string,
  documents: readonly string[],
  options: Bm25Options = {},
): number[] {
  const k1 = options.k1 ?? BM25_K1;
  const b = options.b ?? BM25_B;
  const docs = documents.map((doc) => termFrequencies(terms(doc)));
  const lengths = docs.map((doc) => doc.length);
  const averageLength = lengths.reduce((sum, n) => sum + n, 0) / Math.max(1, docs.length) || 1;
  const queryTerms = [...new Set(terms(query))];
  const idf = new Map<string, number>();
  for (const term of queryTerms) {
    const df = docs.reduce((n, doc) => n + (doc.counts.has(term) ? 1 : 0), 0);
    idf.set(term, Math.log(1 + (docs.length - df + 0.5) / (df + 0.5)));
  }
  return docs.map((doc) => {
    let score = 0;
    const norm = k1 * (1 - b + (b * doc.length) / averageLength);
    for (const term of queryTerms) {
      const tf = doc.counts.get(term) ?? 0;
      if (tf > 0) score += (idf.get(term) ?? 0) * ((tf * (k1 + 1)) / (tf + norm));
    }
    return score;
  });
}

function termFrequencies(list: readonly string[]): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  for (const term of list) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { counts, length: list.length };
}
