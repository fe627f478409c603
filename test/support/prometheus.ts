import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface ParsedMetrics {
  /** the family's declared type, lower case (`counter`, `gauge`, `histogram`) */
  type(name: string): string | undefined;
  /** the samples of one series name (`x_bucket`, `x_sum`, `x_count` for a histogram), labels and value */
  samples(name: string): { labels: Record<string, string>; value: number }[];
}

/**
 * Parses a Prometheus text exposition with parse-prometheus-text-format, which validates every
 * line (names, label syntax and escapes, values). That parser folds a histogram's series into one
 * label-less sample, so histograms are parsed as their `_bucket`/`_sum`/`_count` series (declared
 * untyped for the parser) and their declared type is kept from the `# TYPE` lines.
 */
export function parseMetrics(text: string): ParsedMetrics {
  const types = new Map<string, string>();
  const untyped = text.replace(/^# TYPE (\S+) (\S+)$/gm, (_line, name: string, type: string) => {
    types.set(name, type);
    return type === 'histogram' ? `# TYPE ${name} untyped` : `# TYPE ${name} ${type}`;
  });
  const families: PromFamily[] = parsePrometheusTextFormat(untyped);
  // a histogram's series interleave (buckets, sum, count of one label set, then the next): the
  // parser starts a new family at each change of name, so families of one name are merged
  const byName = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const family of families) {
    const samples = byName.get(family.name) ?? [];
    for (const sample of family.metrics) {
      samples.push({ labels: sample.labels ?? {}, value: Number(sample.value) });
    }
    byName.set(family.name, samples);
  }
  return {
    type: (name) => types.get(name),
    samples: (name) => byName.get(name) ?? [],
  };
}
