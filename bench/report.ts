/** Tables and target verdicts for the benchmark results. */
import type { LoadResult } from './load-types';

/**
 * `stream`: the upstream writes each stream back to back, so the closed loop saturates the proxy
 * (throughput and CPU per stream). `stream-paced`: the upstream sends the first chunk at once and
 * the rest some ms apart, like a model generating tokens; the proxy is far from saturated, so time
 * to first byte shows the proxy's own first-byte overhead instead of queueing.
 */
export type Mode = 'nonstream' | 'stream' | 'stream-paced';

export const isStream = (mode: Mode): boolean => mode !== 'nonstream';

export interface CellRecord {
  proxy: string;
  mode: Mode;
  concurrency: number;
  result: LoadResult;
  /** proxy CPU (utime+stime) per completed request, microseconds */
  cpuUsPerRequest: number;
  /** proxy CPU time / wall time over the window (1 = one core fully busy) */
  cpuUtilisation: number;
  /** 1-based round of the run this cell was measured in */
  round: number;
  /** CPU us/request of every round of this cell, in round order (set on the median cell) */
  roundsCpuUs?: number[];
}

/**
 * One cell per (proxy, mode, concurrency): the round with the median CPU per request (the lower
 * middle for an even count), carrying every round's CPU per request. A VM's noise (another guest
 * on the core, a cold cache after idling) moves single runs by a third; the median of interleaved
 * rounds is what the targets are judged on.
 */
export function medianCells(cells: readonly CellRecord[]): CellRecord[] {
  const groups = new Map<string, CellRecord[]>();
  for (const cell of cells) {
    const key = `${cell.proxy}|${cell.mode}|${cell.concurrency}`;
    const group = groups.get(key);
    if (group) group.push(cell);
    else groups.set(key, [cell]);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.cpuUsPerRequest - b.cpuUsPerRequest);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    return { ...median, roundsCpuUs: group.map((cell) => cell.cpuUsPerRequest) };
  });
}

export interface ProxyRecord {
  name: string;
  description: string;
  /** VmRSS once ready, before any load */
  startRssBytes: number;
  /** VmHWM after all of this proxy's cells (the 64-concurrent ones are the last of each mode) */
  peakRssBytes: number;
  /** VmRSS after all cells */
  rssBytes: number;
}

export interface Verdict {
  proxy: string;
  target: string;
  value: string;
  pass: boolean | undefined;
}

export const TARGETS = {
  cpuRatio: 2.5,
  ttfbDeltaMs: 1,
  ttfbConcurrency: 16,
  peakRssMb: 200,
  rssConcurrency: 64,
  /** issue 5: metrics on and traces exported, against both off */
  telemetryRatio: 1.3,
};

const MB = 1024 * 1024;

function fmt(value: number | undefined, digits = 2): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

function table(header: string[], rows: string[][], leftColumns = 2): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function find(
  cells: CellRecord[],
  proxy: string,
  mode: Mode,
  concurrency: number,
): CellRecord | undefined {
  return cells.find((c) => c.proxy === proxy && c.mode === mode && c.concurrency === concurrency);
}

/** The comparison of one proxy (a gateway variant) against the floor. */
export function comparisonTables(cells: CellRecord[], proxy: string, floor = 'floor'): string {
  const rows: string[][] = [];
  const streamRows: string[][] = [];
  for (const cell of cells.filter((c) => c.proxy === proxy)) {
    const base = find(cells, floor, cell.mode, cell.concurrency);
    const f = base?.result;
    const g = cell.result;
    rows.push([
      cell.mode,
      String(cell.concurrency),
      fmt(f?.rps, 0),
      fmt(g.rps, 0),
      fmt(f === undefined ? undefined : g.rps / f.rps),
      fmt(f?.latencyMs.p50, 3),
      fmt(g.latencyMs.p50, 3),
      fmt(f?.latencyMs.p99, 3),
      fmt(g.latencyMs.p99, 3),
      fmt(base?.cpuUsPerRequest, 0),
      fmt(cell.cpuUsPerRequest, 0),
      fmt(base === undefined ? undefined : cell.cpuUsPerRequest / base.cpuUsPerRequest),
      base === undefined ? '-' : `${fmt(base.cpuUtilisation * 100, 0)}%`,
      `${fmt(cell.cpuUtilisation * 100, 0)}%`,
      `${f?.errors ?? '-'}/${g.errors}`,
    ]);
    if (isStream(cell.mode)) {
      streamRows.push([
        cell.mode,
        String(cell.concurrency),
        fmt(f?.ttfbMs?.p50, 3),
        fmt(g.ttfbMs?.p50, 3),
        fmt(f?.ttfbMs === undefined ? undefined : (g.ttfbMs?.p50 ?? NaN) - f.ttfbMs.p50, 3),
        fmt(f?.ttfbMs?.p99, 3),
        fmt(g.ttfbMs?.p99, 3),
        fmt(f?.firstTokenMs?.p50, 3),
        fmt(g.firstTokenMs?.p50, 3),
        fmt(
          f?.firstTokenMs === undefined
            ? undefined
            : (g.firstTokenMs?.p50 ?? NaN) - f.firstTokenMs.p50,
          3,
        ),
      ]);
    }
  }
  const main = table(
    [
      'mode',
      'conc',
      'rps floor',
      'rps gw',
      'gw/floor',
      'p50ms floor',
      'p50ms gw',
      'p99ms floor',
      'p99ms gw',
      'CPUus/req floor',
      'CPUus/req gw',
      'gw/floor',
      'CPU floor',
      'CPU gw',
      'errors f/gw',
    ],
    rows,
  );
  if (streamRows.length === 0) return main;
  const streams = table(
    [
      'mode',
      'conc',
      'TTFB p50 floor',
      'TTFB p50 gw',
      'diff ms',
      'TTFB p99 floor',
      'TTFB p99 gw',
      'TTFT p50 floor',
      'TTFT p50 gw',
      'diff ms',
    ],
    streamRows,
  );
  return `${main}\n\n${streams}`;
}

/**
 * CPU per request of this build against a baseline build, cell by cell: the medians, and the
 * change as the median over rounds of each round's this/baseline ratio (run back to back).
 */
export function baselineTable(
  cells: readonly CellRecord[],
  rounds: readonly CellRecord[],
  gateway: string,
  baseline: string,
): string {
  const rows: string[][] = [];
  for (const cell of cells.filter((c) => c.proxy === gateway)) {
    const base = cells.find(
      (c) => c.proxy === baseline && c.mode === cell.mode && c.concurrency === cell.concurrency,
    );
    if (base === undefined) continue;
    const ratio = pairedRatio(rounds, gateway, cell.concurrency, baseline, cell.mode);
    rows.push([
      cell.mode,
      String(cell.concurrency),
      base.cpuUsPerRequest.toFixed(0),
      cell.cpuUsPerRequest.toFixed(0),
      `${((ratio - 1) * 100).toFixed(1)}%`,
    ]);
  }
  return table(
    ['mode', 'conc', 'CPUus/req baseline', 'CPUus/req this', 'change (paired rounds)'],
    rows,
  );
}

/** Every round's CPU per request beside the median the tables use, to show the spread. */
export function roundsTable(medians: readonly CellRecord[]): string {
  const rows = medians.map((cell) => [
    cell.proxy,
    cell.mode,
    String(cell.concurrency),
    (cell.roundsCpuUs ?? [cell.cpuUsPerRequest]).map((us) => us.toFixed(0)).join(' / '),
    cell.cpuUsPerRequest.toFixed(0),
  ]);
  return table(['proxy', 'mode', 'conc', 'rounds', 'median'], rows, 3);
}

/** One proxy's cells on their own (a run without a gateway). */
export function singleTable(cells: CellRecord[], proxy: string): string {
  return table(
    [
      'mode',
      'conc',
      'rps',
      'p50 ms',
      'p99 ms',
      'CPU us/req',
      'CPU',
      'TTFB p50',
      'TTFB p99',
      'TTFT p50',
      'errors',
    ],
    cells
      .filter((c) => c.proxy === proxy)
      .map((c) => [
        c.mode,
        String(c.concurrency),
        fmt(c.result.rps, 0),
        fmt(c.result.latencyMs.p50, 3),
        fmt(c.result.latencyMs.p99, 3),
        fmt(c.cpuUsPerRequest, 0),
        `${fmt(c.cpuUtilisation * 100, 0)}%`,
        fmt(c.result.ttfbMs?.p50, 3),
        fmt(c.result.ttfbMs?.p99, 3),
        fmt(c.result.firstTokenMs?.p50, 3),
        String(c.result.errors),
      ]),
  );
}

export function memoryTable(proxies: ProxyRecord[]): string {
  return table(
    ['proxy', 'description', 'RSS ready MB', 'peak RSS MB (VmHWM)', 'RSS at end MB'],
    proxies.map((p) => [
      p.name,
      p.description,
      fmt(p.startRssBytes / MB, 1),
      fmt(p.peakRssBytes / MB, 1),
      fmt(p.rssBytes / MB, 1),
    ]),
  );
}

/**
 * The CPU ratio of a gateway cell to the floor, as the median over rounds of the ratio within each
 * round: floor and gateway run back to back in a round, so a slow spell of the machine (this VM
 * alternates between spells twice as slow as others) hits both sides of each ratio alike.
 */
function pairedRatio(
  rounds: readonly CellRecord[],
  proxy: string,
  concurrency: number,
  reference: string,
  mode: Mode = 'nonstream',
): number {
  const ratios: number[] = [];
  for (const cell of rounds) {
    if (cell.proxy !== proxy || cell.mode !== mode || cell.concurrency !== concurrency) {
      continue;
    }
    const base = rounds.find(
      (c) =>
        c.proxy === reference &&
        c.mode === mode &&
        c.concurrency === concurrency &&
        c.round === cell.round,
    );
    if (base) ratios.push(cell.cpuUsPerRequest / base.cpuUsPerRequest);
  }
  ratios.sort((a, b) => a - b);
  return ratios.length === 0 ? NaN : ratios[Math.floor((ratios.length - 1) / 2)];
}

/** `cells`: the median cells; `rounds`: every round's cells (the CPU ratios are paired by round) */
export function verdicts(
  cells: CellRecord[],
  proxies: ProxyRecord[],
  gateways: string[],
  rounds: readonly CellRecord[] = cells,
  floor = 'floor',
): Verdict[] {
  const out: Verdict[] = [];
  for (const proxy of gateways) {
    const ratios = cells
      .filter((c) => c.proxy === proxy && c.mode === 'nonstream')
      .map((c) => ({ c: c.concurrency, ratio: pairedRatio(rounds, proxy, c.concurrency, floor) }))
      .filter((r) => Number.isFinite(r.ratio));
    out.push({
      proxy,
      target: `non-streaming CPU/request <= ${TARGETS.cpuRatio}x floor (every concurrency; median of per-round ratios)`,
      value:
        ratios.length === 0
          ? 'not measured'
          : ratios.map((r) => `c${r.c}: ${fmt(r.ratio)}x`).join(', '),
      pass: ratios.length === 0 ? undefined : ratios.every((r) => r.ratio <= TARGETS.cpuRatio),
    });
    const ttfb = (mode: Mode): { delta: number; token: number } | undefined => {
      const g = find(cells, proxy, mode, TARGETS.ttfbConcurrency)?.result;
      const f = find(cells, floor, mode, TARGETS.ttfbConcurrency)?.result;
      if (!g?.ttfbMs || !f?.ttfbMs) return undefined;
      return {
        delta: g.ttfbMs.p50 - f.ttfbMs.p50,
        token: (g.firstTokenMs?.p50 ?? NaN) - (f.firstTokenMs?.p50 ?? NaN),
      };
    };
    // judged on the paced streams when they ran: with back-to-back streams the closed loop
    // saturates the proxy and TTFB is mostly queueing (shown for information)
    const paced = ttfb('stream-paced');
    const saturated = ttfb('stream');
    const judged = paced ?? saturated;
    const parts: string[] = [];
    if (paced) {
      parts.push(`paced ${fmt(paced.delta, 3)} ms (first token ${fmt(paced.token, 3)} ms)`);
    }
    if (saturated) parts.push(`back-to-back ${fmt(saturated.delta, 3)} ms`);
    out.push({
      proxy,
      target: `stream TTFB p50 within ${TARGETS.ttfbDeltaMs} ms of floor at ${TARGETS.ttfbConcurrency} streams`,
      value: parts.length === 0 ? 'not measured' : parts.join('; '),
      pass: judged === undefined ? undefined : judged.delta <= TARGETS.ttfbDeltaMs,
    });
    const record = proxies.find((p) => p.name === proxy);
    const ran64 = cells.some((c) => c.proxy === proxy && c.concurrency === TARGETS.rssConcurrency);
    out.push({
      proxy,
      target: `peak RSS < ${TARGETS.peakRssMb} MB at ${TARGETS.rssConcurrency} concurrent`,
      value: record && ran64 ? `${fmt(record.peakRssBytes / MB, 1)} MB` : 'not measured',
      pass: record && ran64 ? record.peakRssBytes < TARGETS.peakRssMb * MB : undefined,
    });
  }
  return out;
}

/**
 * Telemetry's cost: `gateway-otel` (metrics on, every span exported over OTLP) against
 * `gateway-bare` (both off), CPU per request paired by round, per mode and concurrency.
 */
export function telemetryVerdicts(cells: CellRecord[], rounds: readonly CellRecord[]): Verdict[] {
  const out: Verdict[] = [];
  const otels = [
    ...new Set(cells.map((c) => c.proxy).filter((p) => p.startsWith('gateway-otel:'))),
  ];
  for (const otel of otels) {
    const bare = otel.replace('gateway-otel:', 'gateway-bare:');
    const ratios = cells
      .filter((c) => c.proxy === otel)
      .map((c) => ({
        label: `${c.mode} c${c.concurrency}`,
        ratio: pairedRatio(rounds, otel, c.concurrency, bare, c.mode),
      }))
      .filter((r) => Number.isFinite(r.ratio));
    out.push({
      proxy: otel,
      target: `CPU/request <= ${TARGETS.telemetryRatio}x ${bare} (metrics and tracing off)`,
      value:
        ratios.length === 0
          ? 'not measured'
          : ratios.map((r) => `${r.label}: ${fmt(r.ratio)}x`).join(', '),
      pass:
        ratios.length === 0 ? undefined : ratios.every((r) => r.ratio <= TARGETS.telemetryRatio),
    });
  }
  return out;
}

export function verdictTable(list: Verdict[]): string {
  return table(
    ['proxy', 'result', 'target', 'measured'],
    list.map((v) => [
      v.proxy,
      v.pass === undefined ? 'N/A' : v.pass ? 'PASS' : 'FAIL',
      v.target,
      v.value,
    ]),
    4,
  );
}
