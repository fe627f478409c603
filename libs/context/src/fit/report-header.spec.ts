import type { ContextReport } from './fit-types';
import { formatContextReport } from './report-header';

const base: ContextReport = {
  policy: 'summarize',
  applied: true,
  tokensBefore: 9123,
  tokensAfter: 3011,
  window: 8192,
  reservedOutput: 1024,
  exact: true,
  turnsDropped: 0,
  turnsSummarized: 42,
};

describe('formatContextReport', () => {
  it('formats the counts compactly', () => {
    expect(formatContextReport(base)).toBe(
      'policy=summarize; before=9123; after=3011; dropped=0; summarized=42',
    );
  });

  it('adds chunks, kept chunks, cache use and estimation when present', () => {
    expect(
      formatContextReport({ ...base, policy: 'retrieve', chunks: 12, chunksKept: 3, exact: false }),
    ).toBe(
      'policy=retrieve; before=9123; after=3011; dropped=0; summarized=42; chunks=12; kept=3; estimated=1',
    );
    expect(formatContextReport({ ...base, summaryCached: true })).toMatch(/; cached=1$/);
  });
});
