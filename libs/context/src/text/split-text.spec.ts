import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { loadTokenCorpus } from '../testing/token-corpus';
import { splitIntoChunks } from './split-text';

const count = (text: string) => countTokens(text);
const corpus = loadTokenCorpus();
const essay = corpus.find((s) => s.name === 'essay-long')!.text;

describe('splitIntoChunks', () => {
  it('covers the text in order, each chunk being the slice at its offsets', () => {
    const chunks = splitIntoChunks(essay, count, { chunkTokens: 80, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.map((c) => c.text).join('')).toBe(essay);
    for (const chunk of chunks) expect(essay.slice(chunk.start, chunk.end)).toBe(chunk.text);
  });

  it('keeps chunks within the token size, counted exactly, and cuts at sentence or line ends', () => {
    const chunks = splitIntoChunks(essay, count, { chunkTokens: 80, overlapTokens: 0 });
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(80);
      expect(count(chunk.text)).toBeLessThanOrEqual(80);
      expect(Math.abs(count(chunk.text) - chunk.tokens)).toBeLessThanOrEqual(2);
    }
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text).toMatch(/([.!?"]|\n)$/);
    const prose = 'One short sentence. '.repeat(40).trim();
    for (const chunk of splitIntoChunks(prose, count, { chunkTokens: 20, overlapTokens: 0 })) {
      expect(chunk.text).toMatch(/^ ?One short sentence\..*\.$/);
    }
  });

  it('repeats up to overlapTokens of whole sentences at the start of the next chunk', () => {
    const chunks = splitIntoChunks(essay, count, { chunkTokens: 120, overlapTokens: 40 });
    let overlapping = 0;
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].start).toBeGreaterThan(chunks[i - 1].start);
      if (chunks[i].start < chunks[i - 1].end) {
        overlapping++;
        const shared = essay.slice(chunks[i].start, chunks[i - 1].end);
        expect(count(shared)).toBeLessThanOrEqual(42);
      }
    }
    expect(overlapping).toBeGreaterThan(chunks.length / 2);
    expect(chunks[chunks.length - 1].end).toBe(essay.length);
  });

  it('falls back to words, then characters, for text without sentence ends', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const byWords = splitIntoChunks(words, count, { chunkTokens: 30, overlapTokens: 0 });
    expect(byWords.map((c) => c.text).join('')).toBe(words);
    for (const chunk of byWords) {
      expect(count(chunk.text)).toBeLessThanOrEqual(31);
      expect(chunk.text).toMatch(/^\s?word\d+/);
    }
    const blob = 'QUJD'.repeat(500) + '🎉'.repeat(50);
    const byChars = splitIntoChunks(blob, count, { chunkTokens: 25, overlapTokens: 5 });
    expect(byChars.length).toBeGreaterThan(10);
    for (const chunk of byChars) {
      expect(count(chunk.text)).toBeLessThanOrEqual(25);
      expect(chunk.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
  });

  it('splits CJK text at its sentence ends', () => {
    const zh = corpus.find((s) => s.name === 'zh-technical')!.text;
    const chunks = splitIntoChunks(zh, count, { chunkTokens: 40, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.text).join('')).toBe(zh);
    expect(chunks[0].text).toMatch(/[。；：]$|\n$/);
  });

  it('returns nothing for empty text and one chunk for short text', () => {
    expect(splitIntoChunks('', count, { chunkTokens: 10, overlapTokens: 2 })).toEqual([]);
    expect(splitIntoChunks('Short.', count, { chunkTokens: 10, overlapTokens: 2 })).toEqual([
      { text: 'Short.', start: 0, end: 6, tokens: 2 },
    ]);
  });
});
