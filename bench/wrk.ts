/**
 * Non-streaming load with wrk (a C load generator), used instead of autocannon when `wrk` is on
 * the PATH. Closed loop: one thread, `concurrency` connections, one request in flight on each.
 * Warm-up is a separate wrk run; the proxy's CPU is sampled around the measured run.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './load-types';
import { track } from './processes';
import { readCpuTicks, readMemory } from './proc-stats';
import type { Percentiles } from './stats';

export type Runner = (command: string, args: string[]) => Promise<string>;

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function wrkScript(body: string): string {
  return [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(body)}`,
    'wrk.headers["Content-Type"] = "application/json"',
    '',
  ].join('\n');
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return match === null ? NaN : Number(match[1]) * UNIT_MS[match[2]];
}

export interface WrkOutput {
  requests: number;
  seconds: number;
  errors: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Parses the text wrk prints with `--latency`. */
export function parseWrk(text: string): WrkOutput {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(text);
  if (total === null) throw new Error(`unexpected wrk output:\n${text}`);
  const latency = (label: string): number => {
    const match = new RegExp(`^\\s*${label}%\\s+(\\S+)`, 'm').exec(text);
    return match === null ? NaN : durationMs(match[1]);
  };
  const stats = /^\s*Latency\s+(\S+)\s+\S+\s+(\S+)/m.exec(text);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const socketErrors =
    sockets === null ? 0 : sockets.slice(1).reduce((sum, value) => sum + Number(value), 0);
  return {
    requests: Number(total[1]),
    seconds: durationMs(`${total[2]}${total[3]}`) / 1000,
    errors: socketErrors + (non2xx === null ? 0 : Number(non2xx[1])),
    p50: latency('50'),
    p99: latency('99'),
    mean: stats === null ? NaN : durationMs(stats[1]),
    max: stats === null ? NaN : durationMs(stats[2]),
  };
}

export async function runWrk(
  spec: LoadSpec,
  workDir: string,
  pin: (args: string[]) => string[],
  run: Runner,
): Promise<LoadResult> {
  const script = path.join(workDir, 'post.lua');
  writeFileSync(script, wrkScript(spec.body));
  const url = `http://${spec.host}:${spec.port}${spec.path}`;
  const args = (seconds: number, latency: boolean): string[] =>
    pin([
      'wrk',
      '-t1',
      `-c${spec.concurrency}`,
      `-d${seconds}s`,
      '--timeout',
      '30s',
      ...(latency ? ['--latency'] : []),
      '-s',
      script,
      url,
    ]);
  const warmup = args(spec.warmupSeconds, false);
  if (spec.warmupSeconds > 0) await run(warmup[0], warmup.slice(1));
  const measured = args(spec.seconds, true);
  const startTicks = readCpuTicks(spec.proxyPid);
  const output = parseWrk(await run(measured[0], measured.slice(1)));
  const proxyCpuTicks = readCpuTicks(spec.proxyPid) - startTicks;
  const ok = output.requests - output.errors;
  const latencyMs: Percentiles = {
    p50: output.p50,
    p99: output.p99,
    mean: output.mean,
    max: output.max,
    count: output.requests,
  };
  return {
    engine: 'wrk',
    requests: ok,
    errors: output.errors,
    // wrk's own duration for the rate. The CPU is read around the whole wrk process: the proxy is
    // idle while wrk starts and exits, so those milliseconds add no CPU time.
    windowSeconds: output.seconds,
    rps: ok / output.seconds,
    latencyMs,
    proxyCpuTicks,
    proxyMemory: readMemory(spec.proxyPid),
  };
}

export function execRunner(): Runner {
  return (command, args) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        command,
        args,
        { encoding: 'utf8', maxBuffer: 16 << 20 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`${command} ${args.join(' ')}: ${error.message} ${stderr}`));
          else resolve(stdout);
        },
      );
      track(child);
    });
}
