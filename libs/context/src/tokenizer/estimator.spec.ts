import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { loadTokenCorpus } from '../testing/token-corpus';
import { estimateTokens } from './estimator';

const PLAIN = { disallowedSpecial: new Set<string>() };

interface Measured {
  category: string;
  name: string;
  reference: number;
  estimate: number;
  error: number;
}

function measure(): Measured[] {
  return loadTokenCorpus().map(({ category, name, text }) => {
    const reference = countTokens(text, PLAIN);
    const estimate = estimateTokens(text);
    return { category, name, reference, estimate, error: (estimate - reference) / reference };
  });
}

function summarize(rows: readonly Measured[]) {
  const absolute = rows.map((r) => Math.abs(r.error));
  return {
    samples: rows.length,
    meanAbs: absolute.reduce((a, b) => a + b, 0) / rows.length,
    maxAbs: Math.max(...absolute),
    bias: rows.reduce((a, r) => a + r.error, 0) / rows.length,
  };
}

describe('estimateTokens', () => {
  const rows = measure();

  it('has a corpus of at least 40 samples over at least 10 categories', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map((r) => r.category)).size).toBeGreaterThanOrEqual(10);
  });

  it('stays under 10% mean absolute relative error against o200k over the corpus', () => {
    const overall = summarize(rows);
    const categories = [...new Set(rows.map((r) => r.category))].map((category) => ({
      category,
      ...summarize(rows.filter((r) => r.category === category)),
    }));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const table = categories
      .map(
        (c) =>
          `${c.category.padEnd(14)} n=${String(c.samples).padStart(2)} mean ${pct(c.meanAbs).padStart(6)}` +
          ` max ${pct(c.maxAbs).padStart(6)} bias ${pct(c.bias).padStart(6)}`,
      )
      .join('\n');
    console.log(
      `estimator vs o200k_base\n${table}\nall n=${overall.samples} mean ${pct(overall.meanAbs)}` +
        ` max ${pct(overall.maxAbs)} bias ${pct(overall.bias)}`,
    );
    expect(overall.meanAbs).toBeLessThan(0.1);
    // no category is far off, and no single sample is wildly off
    for (const c of categories) expect(c.meanAbs).toBeLessThan(0.15);
    expect(overall.maxAbs).toBeLessThan(0.3);
  });

  it('errs on the side of over-counting', () => {
    const overall = summarize(rows);
    expect(overall.bias).toBeGreaterThan(0);
    expect(rows.filter((r) => r.error < 0).length).toBeLessThan(rows.length / 4);
  });

  it('counts nothing as zero and anything as at least one token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens(' ')).toBe(1);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('🎉')).toBeGreaterThanOrEqual(1);
  });

  it('grows with the text and splits camelCase, digits and CJK', () => {
    expect(estimateTokens('hello world '.repeat(100))).toBeGreaterThan(
      estimateTokens('hello world '.repeat(10)) * 9,
    );
    expect(estimateTokens('getUserAccountName')).toBe(4);
    expect(estimateTokens('123456789012')).toBeGreaterThanOrEqual(4);
    expect(estimateTokens('熔断器模式用于保护服务')).toBeGreaterThanOrEqual(7);
  });

  it('survives lone surrogates and control characters', () => {
    expect(estimateTokens('\ud83d abc \udc00\u0000\u0007')).toBeGreaterThan(1);
  });
});
