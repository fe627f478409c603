/**
 * `npm run bench:instructions`: instructions executed per request by the gateway, counted by
 * valgrind's callgrind, for this build and (with BENCH_BASELINE_MAIN) another one. Unlike the CPU
 * time of `npm run bench`, which moves by ±10% between paired runs on a VM, an instruction count
 * (with V8 made deterministic, see DEFAULT_NODE_FLAGS) repeats to about 0.1%, so "this build
 * costs at most X% more per request than that one" can be judged. See bench/README.md.
 *
 * For each build and round the gateway is started twice under
 * `valgrind --tool=callgrind --cache-sim=no --branch-sim=no`: once to serve N1 requests, once N2,
 * each time stopped with SIGTERM afterwards. Start-up and shutdown cost the same in both runs, so
 * (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one warm request (`Ir` = instructions executed,
 * valgrind's `Collected :` line). The first N1 requests also warm the JIT up, so the difference is
 * steady-state work. The fake upstream and the client run natively and are not counted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  type Managed,
  atExit,
  exited,
  freePort,
  installCleanup,
  logTail,
  start,
  stop,
  waitForPortLine,
  whichOrUndefined,
} from './processes';
import { HOST, MESSAGES, MODEL, PATH, gatewayConfig } from './gateway-setup';
import { transpileBench } from './transpile';

const REPO = path.resolve(__dirname, '..');
const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];
/** a gateway under valgrind starts some 30x slower than natively */
const READY_TIMEOUT_MS = 10 * 60_000;
/** SIGTERM, then SIGKILL after this; a killed valgrind prints no count, so be patient */
const STOP_GRACE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 5 * 60_000;
/**
 * V8 schedules garbage collection, compiles and marks by the clock and on background threads, so
 * how much GC work lands in a run depends on how fast the machine happened to be: with plain
 * `node`, per-request figures of the same build moved by 10% between rounds here. These flags make
 * V8 do all of it on the main thread, driven by allocation alone (predictable mode also fixes the
 * random seeds; major GCs are atomic instead of incremental); then rounds agree to 0.1%. Both
 * builds get the same flags. The absolute numbers are those of this configuration, not of
 * production's; the difference between builds is what this is for.
 */
const DEFAULT_NODE_FLAGS = '--predictable --predictable-gc-schedule --no-incremental-marking';

type IrMode = 'nonstream' | 'stream';

interface IrOptions {
  rounds: number;
  n1: number;
  n2: number;
  concurrency: number;
  logLevel: string;
  mode: IrMode;
  /** node flags for the gateway (BENCH_IR_NODE_FLAGS, default DEFAULT_NODE_FLAGS) */
  nodeFlags: string[];
  gatewayMain: string;
  baselineMain?: string;
  resultsFile: string;
  keepWorkDir: boolean;
}

interface Build {
  /** `gateway` (this build) or `baseline` */
  name: string;
  main: string;
  /** this build's routes carry the resilience settings; a baseline may predate them */
  resilience: boolean;
}

/** One gateway life under callgrind. */
interface RunRecord {
  requests: number;
  /** instructions executed over the whole life of the process (valgrind's `Collected :`) */
  instructions: number;
  /** wall time from spawning to ready */
  startSeconds: number;
  /** wall time of the requests */
  requestSeconds: number;
  /** wall time from spawning to exit */
  seconds: number;
  /** responses that were not 200 with a complete body, and request errors */
  failures: number;
  /** upstream calls made by the gateway during the requests (should equal `requests`) */
  upstreamCalls: number;
  firstFailure?: string;
}

interface RoundRecord {
  build: string;
  round: number;
  n1: RunRecord;
  n2: RunRecord;
  instructionsPerRequest: number;
}

// ---- the request and the gateway config: the same as bench/run.ts ----

function requestBody(mode: IrMode): string {
  return JSON.stringify({
    model: MODEL,
    messages: MESSAGES,
    temperature: 0.2,
    max_tokens: 256,
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

// ---- options ----

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name}: must be an integer >= ${min}, got '${text}'`);
  }
  return value;
}

function findGatewayMain(explicit: string | undefined): string {
  const candidates = explicit
    ? [path.resolve(explicit)]
    : ['dist/apps/gateway/main.js', 'dist/apps/gateway/src/main.js'].map((p) => path.join(REPO, p));
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(
      `gateway not built: none of ${candidates.join(', ')} exists (run npx nest build)`,
    );
  }
  return found;
}

function readIrOptions(env: NodeJS.ProcessEnv): IrOptions {
  const n1 = integer(env, 'BENCH_IR_N1', 300, 0);
  const n2 = integer(env, 'BENCH_IR_N2', 1300, 1);
  if (n2 <= n1) throw new Error(`BENCH_IR_N2 (${n2}) must be larger than BENCH_IR_N1 (${n1})`);
  const logLevel = env.BENCH_IR_LOG_LEVEL?.trim() || 'warn';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`BENCH_IR_LOG_LEVEL: '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const mode = env.BENCH_IR_MODE?.trim() || 'nonstream';
  if (mode !== 'nonstream' && mode !== 'stream') {
    throw new Error(`BENCH_IR_MODE: '${mode}' is not nonstream or stream`);
  }
  const baselineMain = env.BENCH_BASELINE_MAIN?.trim() || undefined;
  if (baselineMain !== undefined && !existsSync(baselineMain)) {
    throw new Error(`BENCH_BASELINE_MAIN: ${baselineMain} does not exist`);
  }
  return {
    rounds: integer(env, 'BENCH_IR_ROUNDS', 2, 1),
    n1,
    n2,
    concurrency: integer(env, 'BENCH_IR_CONCURRENCY', 1, 1),
    logLevel,
    mode,
    nodeFlags: (env.BENCH_IR_NODE_FLAGS ?? DEFAULT_NODE_FLAGS)
      .split(/\s+/)
      .filter((flag) => flag !== ''),
    gatewayMain: findGatewayMain(env.GATEWAY_MAIN?.trim() || undefined),
    baselineMain: baselineMain === undefined ? undefined : path.resolve(baselineMain),
    resultsFile: path.resolve(
      env.BENCH_IR_RESULTS?.trim() || path.join(REPO, 'bench', 'results', 'instructions.json'),
    ),
    keepWorkDir: env.BENCH_KEEP === '1',
  };
}

// ---- HTTP ----

interface Reply {
  status: number;
  body: string;
}

function send(
  agent: http.Agent | false,
  port: number,
  method: string,
  urlPath: string,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        method,
        path: urlPath,
        agent,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`${method} ${urlPath}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function upstreamServed(upstreamPort: number): Promise<number> {
  const reply = await send(false, upstreamPort, 'GET', '/__stats');
  return (JSON.parse(reply.body) as { served: number }).served;
}

/**
 * Waits until `GET /health/ready` answers 200. Unlike processes.ts's waitForHttpReady, a poll
 * never times out once connected: under valgrind the first answer takes seconds, and a poll given
 * up and repeated would be work the gateway does a varying number of times (start-up must cost
 * the same in the N1 and the N2 run). Refused connections cost the gateway nothing.
 */
async function waitReady(managed: Managed, port: number): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let answered = 0;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
      throw new Error(`${managed.name} exited (${managed.child.exitCode})${logTail(managed)}`);
    }
    try {
      const reply = await send(false, port, 'GET', '/health/ready');
      answered += 1;
      if (reply.status === 200) return answered;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${managed.name} not ready after ${READY_TIMEOUT_MS} ms${logTail(managed)}`);
}

/** `what went wrong` for a reply that is not a complete 200 of the given mode, else undefined. */
function checkReply(reply: Reply, mode: IrMode): string | undefined {
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 500)}`;
  if (mode === 'stream') {
    return reply.body.trimEnd().endsWith('data: [DONE]')
      ? undefined
      : `stream without [DONE]: ${reply.body.slice(-500)}`;
  }
  return reply.body.includes('"choices"') ? undefined : `no choices: ${reply.body.slice(0, 500)}`;
}

/** `requests` requests over `concurrency` keep-alive connections, each one in flight at a time. */
async function sendRequests(
  port: number,
  requests: number,
  concurrency: number,
  mode: IrMode,
): Promise<Pick<RunRecord, 'failures' | 'firstFailure'>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = requestBody(mode);
  let issued = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const fail = (what: string): void => {
    failures += 1;
    firstFailure ??= what;
  };
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < requests) {
          issued += 1;
          try {
            const problem = checkReply(await send(agent, port, 'POST', PATH, body), mode);
            if (problem !== undefined) fail(problem);
          } catch (error) {
            fail(error instanceof Error ? error.message : String(error));
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { failures, firstFailure };
}

// ---- one gateway life under callgrind ----

interface Context {
  options: IrOptions;
  valgrind: string;
  work: string;
  upstreamPort: number;
  runs: number;
}

async function measure(context: Context, build: Build, requests: number): Promise<RunRecord> {
  const { options, work, upstreamPort } = context;
  context.runs += 1;
  const label = `${build.name}-${context.runs}-n${requests}`;
  const configPath = path.join(work, `${build.name}.yaml`);
  writeFileSync(configPath, gatewayConfig(upstreamPort, build.resilience));
  const valgrindLog = path.join(work, `${label}.valgrind.log`);
  const port = await freePort();
  const managed = start(
    `${build.name} under callgrind (${requests} requests)`,
    [
      context.valgrind,
      '--tool=callgrind',
      '--cache-sim=no',
      '--branch-sim=no',
      `--callgrind-out-file=${path.join(work, `callgrind.out.${label}`)}`,
      `--log-file=${valgrindLog}`,
      process.execPath,
      ...options.nodeFlags,
      build.main,
    ],
    {
      logPath: path.join(work, `${label}.log`),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        GATEWAY_CONFIG: configPath,
        PORT: String(port),
        HOST,
        LOG_LEVEL: options.logLevel,
      },
    },
  );
  const started = Date.now();
  try {
    await waitReady(managed, port);
    const ready = Date.now();
    const servedBefore = await upstreamServed(upstreamPort);
    const outcome = await sendRequests(port, requests, options.concurrency, options.mode);
    const upstreamCalls = (await upstreamServed(upstreamPort)) - servedBefore;
    const done = Date.now();
    await stop(managed, STOP_GRACE_MS);
    const code = await exited(managed);
    const log = existsSync(valgrindLog) ? readFileSync(valgrindLog, 'utf8') : '';
    const match = /Collected\s*:\s*([\d,]+)/.exec(log);
    if (match === null) {
      throw new Error(
        `${managed.name}: no "Collected :" line from valgrind (exit ${code}); ${valgrindLog}:\n` +
          `${log.slice(-3000)}${logTail(managed)}`,
      );
    }
    return {
      requests,
      instructions: Number(match[1].replace(/,/g, '')),
      startSeconds: (ready - started) / 1000,
      requestSeconds: (done - ready) / 1000,
      seconds: (Date.now() - started) / 1000,
      upstreamCalls,
      ...outcome,
    };
  } catch (error) {
    await stop(managed, 1000);
    throw error;
  }
}

// ---- report ----

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');
const percent = (ratio: number): string => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(2)}%`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface BuildSummary {
  build: string;
  main: string;
  resilience: boolean;
  perRound: number[];
  median: number;
  /** (max - min) / median over the rounds */
  spread: number;
  /** median vs the baseline's median (this build only, with a baseline) */
  change?: number;
}

function summarise(builds: Build[], rounds: RoundRecord[]): BuildSummary[] {
  const summaries = builds.map((build): BuildSummary => {
    const perRound = rounds
      .filter((r) => r.build === build.name)
      .map((r) => r.instructionsPerRequest);
    const mid = median(perRound);
    return {
      build: build.name,
      main: build.main,
      resilience: build.resilience,
      perRound,
      median: mid,
      spread: (Math.max(...perRound) - Math.min(...perRound)) / mid,
    };
  });
  const baseline = summaries.find((s) => s.build === 'baseline');
  const gateway = summaries.find((s) => s.build === 'gateway');
  if (baseline !== undefined && gateway !== undefined) {
    gateway.change = gateway.median / baseline.median - 1;
  }
  return summaries;
}

function report(options: IrOptions, summaries: BuildSummary[]): string {
  const withChange = summaries.some((s) => s.change !== undefined);
  const header = [
    'build',
    ...Array.from({ length: options.rounds }, (_, i) => `round ${i + 1}`),
    'median',
    'spread',
    ...(withChange ? ['vs baseline'] : []),
  ];
  const rows = summaries.map((s) => [
    s.build,
    ...s.perRound.map(thousands),
    thousands(s.median),
    percent(s.spread).replace('+', ''),
    ...(withChange ? [s.change === undefined ? '' : percent(s.change)] : []),
  ]);
  const lines = [
    '',
    `== instructions per request (callgrind Ir; (Ir(${options.n2}) - Ir(${options.n1})) / ${options.n2 - options.n1}; ` +
      `${options.mode}, concurrency ${options.concurrency}, LOG_LEVEL=${options.logLevel}, ` +
      `${options.nodeFlags.length > 0 ? `node ${options.nodeFlags.join(' ')}, ` : ''}${options.rounds} interleaved rounds)`,
    table(header, rows),
    '',
    ...summaries.map(
      (s) =>
        `${s.build}: ${displayPath(s.main)}` +
        (s.resilience ? ' (bench route with resilience settings)' : ' (plain routes)'),
    ),
    '',
  ];
  return lines.join('\n');
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function valgrindVersion(valgrind: string): string {
  try {
    return execFileSync(valgrind, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Rough: 1-2 minutes to start and stop a gateway under callgrind, some 10 requests/s after. */
function estimateMinutes(options: IrOptions, builds: number): number {
  const runs = options.rounds * builds;
  return Math.ceil((runs * (2 * 90 + (options.n1 + options.n2) / 10)) / 60);
}

// ---- main ----

async function main(): Promise<void> {
  installCleanup();
  const options = readIrOptions(process.env);
  const valgrind = whichOrUndefined('valgrind');
  if (valgrind === undefined) {
    throw new Error(
      'valgrind is not on the PATH; install it (Debian/Ubuntu: apt-get install -y valgrind)',
    );
  }
  const builds: Build[] = [{ name: 'gateway', main: options.gatewayMain, resilience: true }];
  if (options.baselineMain !== undefined) {
    builds.push({ name: 'baseline', main: options.baselineMain, resilience: false });
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'llm-gateway-bench-ir-'));
  if (!options.keepWorkDir) atExit(() => rmSync(work, { recursive: true, force: true }));
  const jsDir = path.join(work, 'js');
  transpileBench(__dirname, jsDir);
  process.stderr.write(
    `bench-ir: ${options.rounds} rounds x ${builds.length} builds x 2 runs under callgrind ` +
      `(${options.n1} and ${options.n2} ${options.mode} requests, concurrency ${options.concurrency}, ` +
      `LOG_LEVEL=${options.logLevel}); about ${estimateMinutes(options, builds.length)} min\n`,
  );

  const upstream = start(
    'fake-upstream',
    [process.execPath, path.join(jsDir, 'fake-upstream.js')],
    { env: { ...process.env, PORT: '0' } },
  );
  const upstreamPort = await waitForPortLine(upstream);
  const context: Context = { options, valgrind, work, upstreamPort, runs: 0 };
  const rounds: RoundRecord[] = [];
  try {
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const build of builds) {
        const n1 = await measure(context, build, options.n1);
        const n2 = await measure(context, build, options.n2);
        const record: RoundRecord = {
          build: build.name,
          round,
          n1,
          n2,
          instructionsPerRequest: (n2.instructions - n1.instructions) / (options.n2 - options.n1),
        };
        rounds.push(record);
        const failures = n1.failures + n2.failures;
        process.stderr.write(
          `bench-ir: r${round} ${build.name.padEnd(8)} Ir(${options.n1}) ${thousands(n1.instructions)} ` +
            `Ir(${options.n2}) ${thousands(n2.instructions)} -> ${thousands(record.instructionsPerRequest)}/request ` +
            `(${(n1.seconds + n2.seconds).toFixed(0)} s)` +
            (failures > 0 ? `  FAILURES ${failures}: ${n1.firstFailure ?? n2.firstFailure}` : '') +
            '\n',
        );
      }
    }
  } finally {
    await stop(upstream);
  }

  const summaries = summarise(builds, rounds);
  const problems: string[] = [];
  for (const r of rounds) {
    for (const run of [r.n1, r.n2]) {
      if (run.failures > 0) {
        problems.push(
          `${r.build} round ${r.round}, ${run.requests} requests: ${run.failures} failed (first: ${run.firstFailure})`,
        );
      }
      if (run.upstreamCalls !== run.requests) {
        problems.push(
          `${r.build} round ${r.round}: ${run.requests} requests made ${run.upstreamCalls} upstream calls`,
        );
      }
    }
  }
  let out = report(options, summaries);
  if (problems.length > 0) {
    out += `\nFAILED: the figures above are not valid:\n${problems.map((p) => `  ${p}`).join('\n')}\n`;
  }
  process.stdout.write(`${out}\n`);

  mkdirSync(path.dirname(options.resultsFile), { recursive: true });
  writeFileSync(
    options.resultsFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        host: {
          node: process.version,
          valgrind: valgrindVersion(valgrind),
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
        },
        options,
        builds: summaries,
        rounds,
        problems,
      },
      null,
      2,
    )}\n`,
  );
  process.stderr.write(`bench-ir: results written to ${displayPath(options.resultsFile)}\n`);
  if (options.keepWorkDir) {
    process.stderr.write(
      `bench-ir: work directory kept (callgrind.out.* for callgrind_annotate, logs): ${work}\n`,
    );
  }
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-ir: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
