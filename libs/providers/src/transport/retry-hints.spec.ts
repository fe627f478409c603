import { parseDuration, retryAfterFromHeaders, shouldRetryFromHeaders } from './retry-hints';

describe('retry hints', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it('prefers retry-after-ms over retry-after', () => {
    expect(retryAfterFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '20' }, now)).toBe(
      1500,
    );
  });

  it('reads Azure x-ms-retry-after-ms', () => {
    expect(retryAfterFromHeaders({ 'x-ms-retry-after-ms': '250' }, now)).toBe(250);
  });

  it('reads retry-after in seconds, fractional too', () => {
    expect(retryAfterFromHeaders({ 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterFromHeaders({ 'retry-after': '0.5' }, now)).toBe(500);
  });

  it('reads retry-after as an HTTP date', () => {
    expect(retryAfterFromHeaders({ 'retry-after': 'Fri, 27 Nov 2026 12:00:30 GMT' }, now)).toBe(
      30000,
    );
    expect(retryAfterFromHeaders({ 'retry-after': 'Fri, 27 Nov 2026 11:00:00 GMT' }, now)).toBe(0);
  });

  it('ignores garbage and negative values', () => {
    expect(retryAfterFromHeaders({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after-ms': '-5' }, now)).toBeUndefined();
    expect(retryAfterFromHeaders({}, now)).toBeUndefined();
  });

  it('reads array-valued headers', () => {
    expect(retryAfterFromHeaders({ 'retry-after': ['3', '9'] }, now)).toBe(3000);
  });

  it('reads x-should-retry', () => {
    expect(shouldRetryFromHeaders({ 'x-should-retry': 'false' })).toBe(false);
    expect(shouldRetryFromHeaders({ 'x-should-retry': 'true' })).toBe(true);
    expect(shouldRetryFromHeaders({})).toBeUndefined();
  });

  it('parses protobuf durations', () => {
    expect(parseDuration('27s')).toBe(27000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.250s')).toBe(250);
    expect(parseDuration('27')).toBeUndefined();
    expect(parseDuration(27)).toBeUndefined();
  });
});
