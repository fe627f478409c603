import { Counter, Histogram, Registry } from 'prom-client';
import { LeanCounter, LeanHistogram } from './lean-metrics';

/** The same observations through prom-client's own metrics and the lean ones: the same text. */
describe('lean metrics', () => {
  it('render exactly like prom-client counters and histograms, escaping included', async () => {
    const reference = new Registry();
    const lean = new Registry();
    const options = { name: 'x_seconds', help: 'How long "x" took', labelNames: ['route', 'kind'] };
    const buckets = [0.1, 0.5, 2];
    const refHistogram = new Histogram({ ...options, buckets, registers: [reference] });
    const leanHistogram = new LeanHistogram(lean, { ...options, buckets });
    const counter = { name: 'y_total', help: 'Ys', labelNames: ['route'] };
    const refCounter = new Counter({ ...counter, registers: [reference] });
    const leanCounter = new LeanCounter(lean, counter);

    const observations: [string, string, number][] = [
      ['chat', 'a', 0.05],
      ['chat', 'a', 0.5],
      ['chat', 'b', 3],
      ['we"ird\\route\n', '', 0.2],
      ['chat', 'a', 2],
    ];
    for (const [route, kind, value] of observations) {
      refHistogram.observe({ route, kind }, value);
      leanHistogram.observe([route, kind], value);
      refCounter.inc({ route }, value);
      leanCounter.inc([route], value);
    }
    leanCounter.inc(['other']);
    refCounter.inc({ route: 'other' });
    expect(await lean.metrics()).toBe(await reference.metrics());
  });

  it('ignores values that are not finite numbers and counts a value on a bound into that bucket', async () => {
    const registry = new Registry();
    const histogram = new LeanHistogram(registry, {
      name: 'h',
      help: 'h',
      labelNames: ['a'],
      buckets: [1, 2],
    });
    histogram.observe(['x'], Number.NaN);
    histogram.observe(['x'], 1);
    const text = await registry.metrics();
    expect(text).toContain('h_bucket{le="1",a="x"} 1');
    expect(text).toContain('h_count{a="x"} 1');
  });
});
