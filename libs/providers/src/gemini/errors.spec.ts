import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGeminiError } from './errors';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));

describe('parseGeminiError', () => {
  it('reads the wait from RetryInfo and keeps RESOURCE_EXHAUSTED for a per-minute quota', () => {
    const details = parseGeminiError(fixture('error-429-retry-info.json'), 429);
    expect(details.code).toBe('RESOURCE_EXHAUSTED');
    expect(details.retryAfterMs).toBe(27_000);
    expect(details.message).toMatch(/^You exceeded your current quota/);
  });

  it('reports a per-day quota as quota_exhausted', () => {
    const details = parseGeminiError(fixture('error-429-per-day.json'), 429);
    expect(details).toMatchObject({ code: 'quota_exhausted', retryAfterMs: 43_090 });
  });

  it('reports a prompt over the window as context_length_exceeded', () => {
    expect(parseGeminiError(fixture('error-400-context-length.json'), 400)).toEqual({
      message:
        'The input token count (1215331) exceeds the maximum number of tokens allowed (1048576).',
      code: 'context_length_exceeded',
      retryAfterMs: undefined,
    });
  });

  it('prefers the ErrorInfo reason over the status', () => {
    expect(parseGeminiError(fixture('error-400-api-key.json'), 400).code).toBe('API_KEY_INVALID');
  });

  it('reads plain and array-wrapped envelopes', () => {
    expect(parseGeminiError(fixture('error-503-overloaded.json'), 503)).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
    });
    expect(parseGeminiError(fixture('error-500-array.json'), 500).code).toBe('INTERNAL');
  });

  it('copes with bodies that are not Google errors', () => {
    expect(parseGeminiError('<html>Bad Gateway</html>', 502)).toEqual({
      message: '<html>Bad Gateway</html>',
    });
    expect(parseGeminiError('', 502)).toEqual({ message: 'HTTP 502' });
    expect(parseGeminiError({ error: 'nope' }, 500)).toEqual({ message: 'HTTP 500' });
  });
});
