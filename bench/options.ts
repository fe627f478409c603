/** Benchmark settings, all from the environment (see bench/README.md). */
import type { Mode } from './report';

export type NonStreamEngine = 'auto' | 'wrk' | 'autocannon' | 'native';

export interface ProxySpec {
  /** `floor`, `gateway[-bare|-otel]:<LOG_LEVEL>` or `baseline:<LOG_LEVEL>` */
  name: string;
  /** a baseline is another gateway build (BENCH_BASELINE_MAIN), measured beside this one */
  kind: 'floor' | 'gateway' | 'baseline';
  logLevel?: string;
  /**
   * gateways only: `default` (metrics on, no tracing: the shipped defaults), `bare` (metrics off,
   * no tracing) or `otel` (metrics on and every span exported over OTLP to a local receiver)
   */
  telemetry?: 'default' | 'bare' | 'otel';
}

export interface BenchOptions {
  /** times every cell is run (interleaved); the tables show the median round */
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  concurrency: number[];
  /** concurrencies of the stream-paced cells */
  pacedConcurrency: number[];
  modes: Mode[];
  proxies: ProxySpec[];
  engine: NonStreamEngine;
  proxyCpu: number;
  loadCpu: number;
  streamChunks: number;
  streamChunkDelayMs: number;
  pacedChunkDelayMs: number;
  cpuProfile: boolean;
  gatewayMain?: string;
  /** the compiled entry point of the baseline build (`baseline:<level>` proxies) */
  baselineMain?: string;
  resultsFile?: string;
  keepWorkDir: boolean;
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name}: must be a number >= ${min}, got '${text}'`);
  }
  return value;
}

function list(env: NodeJS.ProcessEnv, name: string, fallback: string): string[] {
  return (env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function proxySpec(text: string): ProxySpec {
  if (text === 'floor') return { name: 'floor', kind: 'floor' };
  const match =
    /^(gateway|gateway-bare|gateway-otel|baseline)(?::(error|warn|info|http|verbose|debug|silly))?$/.exec(
      text,
    );
  if (match === null) {
    throw new Error(
      `BENCH_PROXIES: '${text}' is not floor, gateway[-bare|-otel][:<log level>] or baseline[:<log level>]`,
    );
  }
  const logLevel = match[2] ?? 'warn';
  if (match[1] === 'baseline') return { name: `baseline:${logLevel}`, kind: 'baseline', logLevel };
  const telemetry =
    match[1] === 'gateway-bare' ? 'bare' : match[1] === 'gateway-otel' ? 'otel' : 'default';
  return { name: `${match[1]}:${logLevel}`, kind: 'gateway', logLevel, telemetry };
}

export function readOptions(env: NodeJS.ProcessEnv): BenchOptions {
  const modes = list(env, 'BENCH_MODES', 'nonstream,stream,stream-paced').map((mode) => {
    if (mode !== 'nonstream' && mode !== 'stream' && mode !== 'stream-paced') {
      throw new Error(`BENCH_MODES: '${mode}' is not nonstream, stream or stream-paced`);
    }
    return mode;
  });
  const concurrencies = (name: string, fallback: string): number[] =>
    list(env, name, fallback).map((text) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name}: '${text}' is not a positive integer`);
      }
      return value;
    });
  const engine = env.BENCH_LOADGEN ?? 'auto';
  if (engine !== 'auto' && engine !== 'wrk' && engine !== 'autocannon' && engine !== 'native') {
    throw new Error(`BENCH_LOADGEN: '${engine}' is not auto, wrk, autocannon or native`);
  }
  const proxies = list(env, 'BENCH_PROXIES', 'floor,gateway:warn,gateway:info').map(proxySpec);
  if (proxies.some((proxy) => proxy.kind === 'baseline') && !env.BENCH_BASELINE_MAIN) {
    throw new Error('BENCH_PROXIES: a baseline proxy needs BENCH_BASELINE_MAIN (its main.js)');
  }
  return {
    rounds: Math.round(number(env, 'BENCH_ROUNDS', 3, 1)),
    seconds: number(env, 'BENCH_SECONDS', 5, 1),
    warmupSeconds: number(env, 'BENCH_WARMUP_SECONDS', 2),
    concurrency: concurrencies('BENCH_CONCURRENCY', '1,16,64'),
    pacedConcurrency: concurrencies('BENCH_PACED_CONCURRENCY', '16'),
    modes,
    proxies,
    engine,
    proxyCpu: number(env, 'BENCH_PROXY_CPU', 1),
    loadCpu: number(env, 'BENCH_LOAD_CPU', 0),
    streamChunks: number(env, 'BENCH_STREAM_CHUNKS', 20, 1),
    streamChunkDelayMs: number(env, 'BENCH_STREAM_CHUNK_DELAY_MS', 0),
    pacedChunkDelayMs: number(env, 'BENCH_PACED_CHUNK_DELAY_MS', 10),
    cpuProfile: env.BENCH_CPU_PROF === '1',
    gatewayMain: env.GATEWAY_MAIN,
    baselineMain: env.BENCH_BASELINE_MAIN,
    resultsFile: env.BENCH_RESULTS,
    keepWorkDir: env.BENCH_KEEP === '1',
  };
}
