import { formatUsd, GatewayError } from '@app/core';
import {
  checkUsageQuery,
  compareRows,
  emptyCounters,
  formatNanoUsd,
  type UsageRow,
} from './usage-query';

function caughtSync(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a failure');
}

describe('checkUsageQuery', () => {
  it('accepts known group keys and real days in order', () => {
    const query = { groupBy: ['tenant', 'day'] as const, from: '2026-01-01', to: '2026-01-01' };
    expect(checkUsageQuery(query)).toBe(query);
  });

  it('refuses unknown or repeated group keys, bad days and an inverted range, naming the field', () => {
    const unknown = caughtSync(() => checkUsageQuery({ groupBy: ['model' as unknown as 'day'] }));
    expect(unknown).toMatchObject({ status: 400, param: 'groupBy' });
    expect(unknown.message).toContain('model');
    expect(caughtSync(() => checkUsageQuery({ groupBy: ['day', 'day'] }))).toMatchObject({
      param: 'groupBy',
    });
    expect(caughtSync(() => checkUsageQuery({ groupBy: [], from: '2026-02-30' }))).toMatchObject({
      param: 'from',
    });
    expect(caughtSync(() => checkUsageQuery({ groupBy: [], to: '20260101' }))).toMatchObject({
      param: 'to',
    });
    expect(
      caughtSync(() => checkUsageQuery({ groupBy: [], from: '2026-01-02', to: '2026-01-01' })),
    ).toMatchObject({ status: 400, param: 'from' });
  });
});

describe('formatNanoUsd', () => {
  it('formats like formatUsd where both apply', () => {
    for (const nanos of [0, 1, 9, 10, 999_999_999, 1_000_000_000, 1_234_567_890, 4_500_000_000]) {
      expect(formatNanoUsd(BigInt(nanos))).toBe(formatUsd(nanos));
    }
  });

  it('stays exact beyond 2^53 nanos', () => {
    expect(formatNanoUsd(12_345_678_901_234_567_891n)).toBe('12345678901.234567891');
    expect(formatNanoUsd(-1_500_000_000n)).toBe('-1.5');
  });
});

describe('compareRows', () => {
  it('sorts by the group keys in order, nulls first', () => {
    const row = (route: string | null, day: string): UsageRow => ({
      route,
      day,
      ...emptyCounters(),
    });
    const rows = [
      row('b', '2026-01-01'),
      row('a', '2026-01-02'),
      row(null, '2026-01-03'),
      row('a', '2026-01-01'),
    ];
    rows.sort(compareRows(['route', 'day']));
    expect(rows.map((r) => `${r.route}/${r.day}`)).toEqual([
      'null/2026-01-03',
      'a/2026-01-01',
      'a/2026-01-02',
      'b/2026-01-01',
    ]);
  });
});
