import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the per-request metrics, registered in a prom-client Registry and
 * rendered by it (same text, same escaping), but recorded without prom-client's per-call work:
 * prom-client validates the label names and hashes the sorted labels on every `inc`/`observe`,
 * which for the ~15 observations of a request cost about as much as the rest of the metrics. Here
 * a series is looked up once per call by its label values (one string key) and updated in place.
 */

interface MetricValue {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

interface MetricOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
}

abstract class LeanMetric<S> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'histogram';
  protected readonly labelNames: readonly string[];
  protected readonly series = new Map<string, { labels: Record<string, string>; data: S }>();

  constructor(registry: Registry, options: MetricOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    // prom-client renders any registered object with name, help, type and get()
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series of these label values (in `labelNames` order), created on first use. */
  protected find(values: readonly string[]): S {
    const key = values.length === 1 ? values[0] : values.join('\u0001');
    const found = this.series.get(key);
    if (found !== undefined) return found.data;
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, index) => (labels[name] = values[index] ?? ''));
    const data = this.create();
    this.series.set(key, { labels, data });
    return data;
  }

  protected abstract create(): S;

  abstract get(): MetricSnapshot;
}

/** A monotonic counter. */
export class LeanCounter extends LeanMetric<{ value: number }> {
  readonly type = 'counter';

  /** adds `amount` (default 1) to the series of `values` */
  inc(values: readonly string[], amount = 1): void {
    this.find(values).value += amount;
  }

  protected create() {
    return { value: 0 };
  }

  get(): MetricSnapshot {
    const values: MetricValue[] = [];
    for (const { labels, data } of this.series.values()) values.push({ labels, value: data.value });
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}

interface HistogramSeries {
  /** observations per bucket (not cumulative); the last slot is +Inf */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram with fixed upper bounds. */
export class LeanHistogram extends LeanMetric<HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(registry: Registry, options: MetricOptions & { buckets: readonly number[] }) {
    super(registry, options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
  }

  observe(values: readonly string[], value: number): void {
    if (!Number.isFinite(value)) return;
    const series = this.find(values);
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]) index += 1;
    series.counts[index] += 1;
    series.sum += value;
    series.count += 1;
  }

  protected create(): HistogramSeries {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  get(): MetricSnapshot {
    const values: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, data } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += data.counts[index];
        values.push({
          labels: { le: String(bound), ...labels },
          value: cumulative,
          metricName: bucket,
        });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: data.count, metricName: bucket });
      values.push({ labels, value: data.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: data.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
