import { bm25Scores } from './bm25';

describe('bm25Scores', () => {
  const docs = [
    'The library opened in 1887 above a hardware shop.',
    'Refunds are issued to the original card within five working days.',
    'Refunds for digital goods are not possible after download. Refunds refunds refunds.',
    'The weather in Lyon is mild in October.',
  ];

  it('scores documents that contain the query terms, zero for the others', () => {
    const scores = bm25Scores('How do refunds work?', docs);
    expect(scores[0]).toBe(0);
    expect(scores[3]).toBe(0);
    expect(scores[1]).toBeGreaterThan(0);
    expect(scores[2]).toBeGreaterThan(0);
  });

  it('matches the BM25 formula (k1=1.2, b=0.75)', () => {
    const scores = bm25Scores('lyon', docs);
    // "lyon" occurs once, in doc 3 (terms: weather lyon mild october); lengths 6, 8, 9, 4
    const idf = Math.log(1 + (4 - 1 + 0.5) / (1 + 0.5));
    const norm = 1.2 * (1 - 0.75 + (0.75 * 4) / ((6 + 8 + 9 + 4) / 4));
    expect(scores[3]).toBeCloseTo((idf * (1 * 2.2)) / (1 + norm), 10);
  });

  it('saturates term frequency and rewards rarer terms', () => {
    const scores = bm25Scores('refunds card', docs);
    // doc 1 has the rare term "card"; doc 2 repeats the common "refunds"
    expect(scores[1]).toBeGreaterThan(scores[2]);
  });

  it('handles empty queries and empty document lists', () => {
    expect(bm25Scores('', docs)).toEqual([0, 0, 0, 0]);
    expect(bm25Scores('anything', [])).toEqual([]);
  });
});
