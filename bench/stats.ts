/** Latency summary in milliseconds. */
export interface Percentiles {
  p50: number;
  p99: number;
  mean: number;
  max: number;
  count: number;
}

/** Nearest-rank percentiles of samples given in milliseconds. */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p99: NaN, mean: NaN, max: NaN, count: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: at(0.5),
    p99: at(0.99),
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1],
    count: sorted.length,
  };
}
