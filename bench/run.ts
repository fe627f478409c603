/**
 * `npm run bench`: the gateway against the floor (a minimal node:http pass-through proxy), both in
 * front of the same fake OpenAI upstream, under the same closed-loop load. See bench/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './load-types';
import { type BenchOptions, type ProxySpec, readOptions } from './options';
import { clockTicksPerSecond, readMemory, systemBusyFraction } from './proc-stats';
import {
  type Managed,
  atExit,
  collect,
  exited,
  freePort,
  installCleanup,
  logTail,
  pinSelf,
  pinned,
  start,
  stop,
  taskset,
  waitForHttpReady,
  waitForPortLine,
  whichOrUndefined,
} from './processes';
import { formatSummary, summariseProfile } from './profile-summary';
import {
  type CellRecord,
  type Mode,
  isStream,
  type ProxyRecord,
  comparisonTables,
  baselineTable,
  medianCells,
  memoryTable,
  roundsTable,
  singleTable,
  telemetryVerdicts,
  verdictTable,
  verdicts,
} from './report';
import { startOtlpSink } from './otlp-sink';
import { execRunner, runWrk } from './wrk';
import {
  HOST,
  MESSAGES,
  MODEL,
  PACED_MODEL,
  PATH,
  UPSTREAM_KEY,
  gatewayConfig,
} from './gateway-setup';
import { transpileBench } from './transpile';

const REPO = path.resolve(__dirname, '..');
/** share of all CPUs busy before the start above which the results are flagged as noisy */
const BUSY_WARNING = 0.1;

function busyWarning(busy: number): string {
  return (
    `WARNING: other processes kept ${(busy * 100).toFixed(0)}% of the CPUs busy before the run; ` +
    'the results are disturbed (run the benchmark on a quiet machine)'
  );
}

function requestBody(mode: Mode): string {
  const stream = isStream(mode);
  return JSON.stringify({
    // the fake upstream paces streams for models named "...paced..."
    model: mode === 'stream-paced' ? PACED_MODEL : MODEL,
    messages: MESSAGES,
    temperature: 0.2,
    max_tokens: 256,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

function findGatewayMain(options: BenchOptions): string {
  const candidates = options.gatewayMain
    ? [path.resolve(options.gatewayMain)]
    : ['dist/apps/gateway/main.js', 'dist/apps/gateway/src/main.js'].map((p) => path.join(REPO, p));
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(
      `gateway not built: none of ${candidates.join(', ')} exists (run npx nest build)`,
    );
  }
  return found;
}

interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, method: string, urlPath: string, body?: string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        method,
        path: urlPath,
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function upstreamServed(upstreamPort: number): Promise<number> {
  const reply = await request(upstreamPort, 'GET', '/__stats');
  return (JSON.parse(reply.body) as { served: number }).served;
}

/** One request of each kind through the proxy, checked, before any load. */
async function probe(
  name: string,
  port: number,
  upstreamPort: number,
  chunks: number,
): Promise<string> {
  const before = await upstreamServed(upstreamPort);
  const plain = await request(port, 'POST', PATH, requestBody('nonstream'));
  const fail = (what: string, reply: HttpReply): never => {
    throw new Error(`${name}: ${what}: HTTP ${reply.status} ${reply.body.slice(0, 1000)}`);
  };
  if (plain.status !== 200) fail('non-streaming probe failed', plain);
  const completion = JSON.parse(plain.body) as {
    choices?: { message?: { content?: string } }[];
    usage?: { completion_tokens?: number };
  };
  const text = completion.choices?.[0]?.message?.content ?? '';
  if (text.length === 0 || completion.usage?.completion_tokens !== chunks) {
    fail('non-streaming probe: unexpected body', plain);
  }
  for (const mode of ['stream', 'stream-paced'] as const) {
    const streamed = await request(port, 'POST', PATH, requestBody(mode));
    if (streamed.status !== 200) fail(`${mode} probe failed`, streamed);
    const events = streamed.body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6));
    if (events[events.length - 1] !== '[DONE]') fail(`${mode} probe: no [DONE]`, streamed);
    let streamedText = '';
    let usage = false;
    for (const event of events.slice(0, -1)) {
      const chunk = JSON.parse(event) as {
        choices?: { delta?: { content?: string } }[];
        usage?: unknown;
      };
      streamedText += chunk.choices?.[0]?.delta?.content ?? '';
      if (chunk.usage) usage = true;
    }
    if (streamedText !== text || !usage) {
      fail(`${mode} probe: text or usage differs from the non-streaming reply`, streamed);
    }
  }
  const upstreamCalls = (await upstreamServed(upstreamPort)) - before;
  if (upstreamCalls !== 3) {
    throw new Error(`${name}: 3 probe requests made ${upstreamCalls} upstream calls`);
  }
  const overhead = plain.headers['x-gateway-overhead-ms'];
  return overhead === undefined ? '' : ` (x-gateway-overhead-ms ${String(overhead)})`;
}

interface RunningProxy {
  spec: ProxySpec;
  managed: Managed;
  port: number;
  description: string;
  profileDir?: string;
}

async function startProxy(
  spec: ProxySpec,
  options: BenchOptions,
  work: string,
  jsDir: string,
  upstreamPort: number,
  otlpPort?: number,
): Promise<RunningProxy> {
  const node = process.execPath;
  if (spec.kind === 'floor') {
    const managed = start('floor-proxy', [node, path.join(jsDir, 'floor-proxy.js')], {
      cpu: options.proxyCpu,
      env: {
        ...process.env,
        PORT: '0',
        UPSTREAM_PORT: String(upstreamPort),
        UPSTREAM_API_KEY: UPSTREAM_KEY,
      },
    });
    const port = await waitForPortLine(managed);
    return { spec, managed, port, description: 'node:http keep-alive pass-through' };
  }
  const baseline = spec.kind === 'baseline';
  const main = baseline ? path.resolve(options.baselineMain ?? '') : findGatewayMain(options);
  if (!existsSync(main)) throw new Error(`${spec.name}: ${main} does not exist`);
  const variant = spec.name.split(':', 1)[0];
  const configPath = path.join(work, `${variant}.yaml`);
  writeFileSync(configPath, gatewayConfig(upstreamPort, !baseline, spec.telemetry !== 'bare'));
  const port = await freePort();
  const level = spec.logLevel ?? 'warn';
  const label = `${variant}-${level}`;
  // tracing: on for gateway-otel (exporting to the local receiver), off for every other proxy
  const tracingEnv: NodeJS.ProcessEnv =
    spec.telemetry === 'otel' && otlpPort !== undefined
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${HOST}:${otlpPort}`, OTEL_SERVICE_NAME: 'bench' }
      : { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  const profileDir = options.cpuProfile ? path.join(resultsDir(options), 'profiles') : undefined;
  const flags =
    profileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`];
  const managed = start(`${variant} (LOG_LEVEL=${level})`, [node, ...flags, main], {
    cpu: options.proxyCpu,
    logPath: path.join(work, `${label}.log`),
    env: {
      ...process.env,
      ...tracingEnv,
      NODE_ENV: 'production',
      GATEWAY_CONFIG: configPath,
      PORT: String(port),
      HOST,
      LOG_LEVEL: level,
    },
  });
  await waitForHttpReady(managed, port, '/health/ready');
  return {
    spec,
    managed,
    port,
    description:
      `${path.relative(REPO, main)}, LOG_LEVEL=${level}` +
      `${spec.telemetry === 'bare' ? ', metrics off' : ''}` +
      `${spec.telemetry === 'otel' ? ', metrics on, traces exported over OTLP' : ''}` +
      `${profileDir ? ', --cpu-prof' : ''}`,
    profileDir,
  };
}

function resultsDir(options: BenchOptions): string {
  return options.resultsFile
    ? path.dirname(path.resolve(options.resultsFile))
    : path.join(REPO, 'bench', 'results');
}

function nonStreamEngine(options: BenchOptions): 'wrk' | 'autocannon' | 'native' {
  if (options.engine === 'auto') return whichOrUndefined('wrk') ? 'wrk' : 'autocannon';
  if (options.engine === 'wrk' && !whichOrUndefined('wrk'))
    throw new Error('BENCH_LOADGEN=wrk: wrk is not on the PATH');
  return options.engine;
}

async function runCell(
  proxy: RunningProxy,
  mode: Mode,
  concurrency: number,
  options: BenchOptions,
  jsDir: string,
  work: string,
): Promise<LoadResult> {
  const spec: LoadSpec = {
    engine: isStream(mode) ? 'native' : nonStreamEngine(options),
    host: HOST,
    port: proxy.port,
    path: PATH,
    body: requestBody(mode),
    stream: isStream(mode),
    concurrency,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    proxyPid: proxy.managed.pid,
  };
  if (spec.engine === 'wrk') {
    return runWrk(spec, work, (argv) => pinned(options.loadCpu, argv), execRunner());
  }
  const client = start(
    'load-client',
    [process.execPath, path.join(jsDir, 'load-client.js'), JSON.stringify(spec)],
    {
      cpu: options.loadCpu,
      env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
    },
  );
  const output = collect(client);
  const code = await exited(client);
  if (code !== 0) throw new Error(`load-client exited with ${code}: ${output.stderr()}`);
  const lines = output.stdout().trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as LoadResult;
}

function summariseProfiles(proxy: RunningProxy, loadStartUs: number): string {
  if (proxy.profileDir === undefined) return '';
  const label = `${proxy.spec.name.split(':', 1)[0]}-${proxy.spec.logLevel ?? 'warn'}`;
  const file = path.join(proxy.profileDir, `${label}.cpuprofile`);
  if (!existsSync(file))
    return `no CPU profile written to ${file} (the gateway did not exit cleanly)`;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof summariseProfile>[0];
  let summary = summariseProfile(profile, 25, loadStartUs);
  let scope = 'under load (start-up excluded)';
  if (summary.totalMs === 0) {
    summary = summariseProfile(profile, 25);
    scope = 'whole life, start-up included';
  }
  return `CPU profile of ${proxy.spec.name}, ${scope}: ${file}\n${formatSummary(summary)}`;
}

function cellRecord(
  proxy: string,
  mode: Mode,
  concurrency: number,
  result: LoadResult,
  ticksPerSecond: number,
): CellRecord {
  const cpuSeconds = result.proxyCpuTicks / ticksPerSecond;
  return {
    proxy,
    mode,
    concurrency,
    result,
    cpuUsPerRequest: result.requests > 0 ? (cpuSeconds * 1e6) / result.requests : NaN,
    cpuUtilisation: cpuSeconds / result.windowSeconds,
    round: 1,
  };
}

function progressLine(cell: CellRecord): string {
  const { result } = cell;
  return (
    `bench: r${cell.round} ${cell.proxy.padEnd(13)} ${cell.mode.padEnd(12)} c=${String(cell.concurrency).padEnd(3)} ` +
    `${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.latencyMs.p50.toFixed(3)} ms  ` +
    `p99 ${result.latencyMs.p99.toFixed(3)} ms  ${cell.cpuUsPerRequest.toFixed(0)} us CPU/req  ` +
    `${(cell.cpuUtilisation * 100).toFixed(0)}% CPU` +
    (result.ttfbMs ? `  TTFB p50 ${result.ttfbMs.p50.toFixed(3)} ms` : '') +
    (result.errors > 0 ? `  ERRORS ${result.errors}` : '') +
    '\n'
  );
}

async function main(): Promise<void> {
  installCleanup();
  const options = readOptions(process.env);
  // fail before starting anything when the gateway is not built
  if (options.proxies.some((proxy) => proxy.kind === 'gateway')) findGatewayMain(options);
  const ticksPerSecond = clockTicksPerSecond();
  const work = mkdtempSync(path.join(os.tmpdir(), 'llm-gateway-bench-'));
  if (!options.keepWorkDir) atExit(() => rmSync(work, { recursive: true, force: true }));
  const jsDir = path.join(work, 'js');
  transpileBench(__dirname, jsDir);
  if (taskset() === undefined)
    process.stderr.write('bench: taskset not found; processes are NOT pinned\n');
  else pinSelf(options.loadCpu);
  const engine = options.modes.includes('nonstream') ? nonStreamEngine(options) : '-';
  const concurrencies = (mode: Mode): number[] =>
    mode === 'stream-paced' ? options.pacedConcurrency : options.concurrency;
  const cellCount =
    options.proxies.length *
    options.modes.reduce((sum, mode) => sum + concurrencies(mode).length, 0);
  const estimate = options.rounds * cellCount * (options.seconds + options.warmupSeconds + 1);
  process.stderr.write(
    `bench: ${options.rounds} rounds x ${cellCount} cells x (${options.warmupSeconds}s warm-up + ${options.seconds}s), about ${Math.ceil(estimate / 60)} min; ` +
      `non-streaming load: ${engine}, streams: native client; proxy on CPU ${options.proxyCpu}, upstream + load on CPU ${options.loadCpu}\n`,
  );

  const busy = await systemBusyFraction();
  if (busy > BUSY_WARNING) process.stderr.write(`bench: ${busyWarning(busy)}\n`);

  const upstream = start(
    'fake-upstream',
    [process.execPath, path.join(jsDir, 'fake-upstream.js')],
    {
      cpu: options.loadCpu,
      env: {
        ...process.env,
        PORT: '0',
        BENCH_STREAM_CHUNKS: String(options.streamChunks),
        BENCH_STREAM_CHUNK_DELAY_MS: String(options.streamChunkDelayMs),
        BENCH_PACED_CHUNK_DELAY_MS: String(options.pacedChunkDelayMs),
      },
    },
  );
  const upstreamPort = await waitForPortLine(upstream);
  const sink = options.proxies.some((proxy) => proxy.telemetry === 'otel')
    ? await startOtlpSink(HOST)
    : undefined;

  // All proxies run side by side (each idle while another is measured) and the cells interleave
  // (floor c1, gateway c1, floor c16, ...), so slow drifts of the machine hit every proxy alike.
  const running: RunningProxy[] = [];
  const cells: CellRecord[] = [];
  const proxies: ProxyRecord[] = [];
  const profiles: string[] = [];
  let current: RunningProxy | undefined;
  try {
    const startRss = new Map<string, number>();
    for (const spec of options.proxies) {
      const proxy = await startProxy(spec, options, work, jsDir, upstreamPort, sink?.port);
      running.push(proxy);
      current = proxy;
      startRss.set(spec.name, readMemory(proxy.managed.pid).rssBytes);
      const note = await probe(spec.name, proxy.port, upstreamPort, options.streamChunks);
      process.stderr.write(
        `bench: ${spec.name} on :${proxy.port} pid ${proxy.managed.pid}, probe ok${note}\n`,
      );
    }
    const loadStartUs = Number(process.hrtime.bigint() / 1000n);
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const mode of options.modes) {
        for (const concurrency of concurrencies(mode)) {
          for (const proxy of running) {
            current = proxy;
            const result = await runCell(proxy, mode, concurrency, options, jsDir, work);
            const cell = cellRecord(proxy.spec.name, mode, concurrency, result, ticksPerSecond);
            cell.round = round;
            cells.push(cell);
            process.stderr.write(progressLine(cell));
          }
        }
      }
    }
    current = undefined;
    for (const proxy of running) {
      const memory = readMemory(proxy.managed.pid);
      proxies.push({
        name: proxy.spec.name,
        description: proxy.description,
        startRssBytes: startRss.get(proxy.spec.name) ?? NaN,
        peakRssBytes: memory.peakRssBytes,
        rssBytes: memory.rssBytes,
      });
    }
    for (const proxy of running) {
      await stop(proxy.managed, options.cpuProfile ? 15_000 : 5000);
      const profile = summariseProfiles(proxy, loadStartUs);
      if (profile) profiles.push(profile);
    }
  } catch (error) {
    const tail = current === undefined ? '' : logTail(current.managed);
    throw new Error(`${error instanceof Error ? error.message : String(error)}${tail}`);
  } finally {
    for (const proxy of running) await stop(proxy.managed);
  }
  await stop(upstream);
  await sink?.close();

  const gateways = options.proxies.filter((p) => p.kind !== 'floor').map((p) => p.name);
  const medians = medianCells(cells);
  const list = [
    ...verdicts(medians, proxies, gateways, cells),
    ...telemetryVerdicts(medians, cells),
  ];
  const out: string[] = [''];
  const settings =
    `median of ${options.rounds} interleaved rounds; ${options.warmupSeconds}s warm-up + ${options.seconds}s per cell, closed loop; non-streaming load: ${engine}; ` +
    `streams: native node:http client (${options.streamChunks} content chunks, ${options.streamChunkDelayMs} ms apart; paced: ${options.pacedChunkDelayMs} ms apart)`;
  if (busy > BUSY_WARNING) out.push(busyWarning(busy), '');
  for (const proxy of options.proxies.filter((p) => p.kind === 'floor' && gateways.length === 0)) {
    out.push(`== ${proxy.name} (${settings})`, singleTable(medians, proxy.name), '');
  }
  for (const gateway of gateways) {
    out.push(`== ${gateway} vs floor (${settings})`, comparisonTables(medians, gateway), '');
  }
  if (options.rounds > 1) out.push('== CPU us/request per round', roundsTable(medians), '');
  for (const baseline of options.proxies.filter((p) => p.kind === 'baseline')) {
    const gateway = `gateway:${baseline.logLevel ?? 'warn'}`;
    if (!gateways.includes(gateway)) continue;
    out.push(`== ${gateway} vs ${baseline.name} (${options.baselineMain ?? ''})`);
    out.push(baselineTable(medians, cells, gateway, baseline.name), '');
  }
  for (const otel of options.proxies.filter((p) => p.telemetry === 'otel')) {
    const bare = `gateway-bare:${otel.logLevel ?? 'warn'}`;
    if (!gateways.includes(bare)) continue;
    out.push(`== ${otel.name} (metrics + traces exported) vs ${bare} (both off)`);
    out.push(baselineTable(medians, cells, otel.name, bare));
    out.push(
      `OTLP receiver: ${sink?.requests ?? 0} export requests, ${((sink?.bytes ?? 0) / 1e6).toFixed(1)} MB`,
      '',
    );
  }
  out.push('== memory', memoryTable(proxies), '');
  if (list.length > 0) out.push('== targets', verdictTable(list), '');
  if (options.cpuProfile) {
    out.push(
      'NOTE: the gateway ran under --cpu-prof; its numbers above include the profiler overhead.',
      '',
    );
    out.push(...profiles, '');
  }
  process.stdout.write(`${out.join('\n')}\n`);

  const resultsFile = options.resultsFile
    ? path.resolve(options.resultsFile)
    : path.join(resultsDir(options), 'latest.json');
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(
    resultsFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        host: {
          node: process.version,
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
          pinned: taskset() !== undefined,
          clockTicksPerSecond: ticksPerSecond,
        },
        options: { ...options, nonStreamEngine: engine },
        proxies,
        cells: medians,
        rounds: cells,
        targets: list,
      },
      null,
      2,
    )}\n`,
  );
  process.stderr.write(`bench: results written to ${path.relative(process.cwd(), resultsFile)}\n`);
  if (options.keepWorkDir) process.stderr.write(`bench: work directory kept: ${work}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
