/**
 * The load generator, run as its own process (pinned beside the fake upstream, away from the
 * proxy under test). Closed loop: `concurrency` workers each keep exactly one request in flight.
 * It warms up for `warmupSeconds`, then measures for `seconds` over the same connections: only
 * responses that finish inside the window count, and the proxy's CPU ticks are read from /proc at
 * the window's edges. Latencies are recorded only for requests that also started inside the window
 * (a request that waited through the warm-up, e.g. for a new connection, is warm-up work). Prints
 * one JSON LoadResult line on stdout.
 *
 * Engines: `autocannon` (non-streaming; latency taken from each response event, in fractional
 * ms, because autocannon's own histogram has 1 ms resolution) and `native` (node:http with a
 * keep-alive agent; streams: time to first body byte, to the first `data:` event, and to the end).
 *
 * Usage: node load-client.js '<LoadSpec JSON>'
 */
import autocannon from 'autocannon';
import http from 'node:http';
import type { LoadResult, LoadSpec } from './load-types';
import { readCpuTicks, readMemory } from './proc-stats';
import { percentiles } from './stats';

interface Window {
  /** hrtime ns when measurement starts (after warm-up) */
  start: bigint;
  end: bigint;
  startTicks: number;
  endTicks: number;
}

class Recorder {
  readonly latencies: number[] = [];
  readonly ttfb: number[] = [];
  readonly firstEvent: number[] = [];
  readonly firstToken: number[] = [];
  ok = 0;
  errors = 0;
  window: Window = { start: -1n, end: -1n, startTicks: 0, endTicks: 0 };

  /** whether a response finishing at `at` belongs to the measured window */
  inWindow(at: bigint): boolean {
    const { start, end } = this.window;
    return start >= 0n && at >= start && (end < 0n || at <= end);
  }
}

const ms = (ns: bigint): number => Number(ns) / 1e6;

function scheduleWindow(spec: LoadSpec, recorder: Recorder): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      recorder.window.startTicks = readCpuTicks(spec.proxyPid);
      recorder.window.start = process.hrtime.bigint();
      setTimeout(() => {
        recorder.window.end = process.hrtime.bigint();
        recorder.window.endTicks = readCpuTicks(spec.proxyPid);
        resolve();
      }, spec.seconds * 1000);
    }, spec.warmupSeconds * 1000);
  });
}

async function runAutocannon(spec: LoadSpec, recorder: Recorder): Promise<void> {
  const windowDone = scheduleWindow(spec, recorder);
  const instance = autocannon(
    {
      url: `http://${spec.host}:${spec.port}${spec.path}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: spec.body,
      connections: spec.concurrency,
      pipelining: 1,
      // a little longer than warm-up + window, so the window closes while the load is still full
      duration: spec.warmupSeconds + spec.seconds + 1,
      timeout: 30,
      workers: 0,
    },
    () => undefined,
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    const at = process.hrtime.bigint();
    if (!recorder.inWindow(at)) return;
    if (statusCode >= 200 && statusCode < 300) {
      recorder.ok++;
      const started = at - BigInt(Math.round(responseTime * 1e6));
      if (started >= recorder.window.start) recorder.latencies.push(responseTime);
    } else recorder.errors++;
  });
  instance.on('reqError', () => {
    if (recorder.inWindow(process.hrtime.bigint())) recorder.errors++;
  });
  await windowDone;
  await new Promise<void>((resolve) => {
    instance.on('done', () => resolve());
    instance.stop();
  });
}

interface Outcome {
  ok: boolean;
  start: bigint;
  firstByte: bigint;
  firstEvent: bigint;
  firstToken: bigint;
  end: bigint;
}

function oneRequest(spec: LoadSpec, agent: http.Agent, body: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const outcome: Outcome = {
      ok: false,
      start,
      firstByte: 0n,
      firstEvent: 0n,
      firstToken: 0n,
      end: 0n,
    };
    const finish = (ok: boolean): void => {
      if (outcome.end !== 0n) return;
      outcome.end = process.hrtime.bigint();
      outcome.ok = ok;
      resolve(outcome);
    };
    const req = http.request(
      {
        host: spec.host,
        port: spec.port,
        path: spec.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        // the end of the body, to check that a stream finished with [DONE]
        let tail = '';
        res.on('data', (part: Buffer) => {
          const now = process.hrtime.bigint();
          if (outcome.firstByte === 0n) outcome.firstByte = now;
          const text = tail + part.toString('latin1');
          if (outcome.firstEvent === 0n && /(^|\n)data:/.test(text)) outcome.firstEvent = now;
          // an OpenAI chunk with text: "content":"<at least one character>"
          if (outcome.firstToken === 0n && /"content":"[^"]/.test(text)) outcome.firstToken = now;
          tail = text.slice(-32);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          finish(status >= 200 && status < 300 && (!spec.stream || tail.includes('[DONE]')));
        });
        res.on('error', () => finish(false));
      },
    );
    req.on('error', () => finish(false));
    req.end(body);
  });
}

async function runNative(spec: LoadSpec, recorder: Recorder): Promise<void> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: spec.concurrency,
    maxFreeSockets: spec.concurrency,
  });
  const body = Buffer.from(spec.body);
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const outcome = await oneRequest(spec, agent, body);
      if (!recorder.inWindow(outcome.end)) continue;
      if (!outcome.ok) {
        recorder.errors++;
        continue;
      }
      recorder.ok++;
      if (outcome.start < recorder.window.start) continue;
      recorder.latencies.push(ms(outcome.end - outcome.start));
      if (spec.stream) {
        recorder.ttfb.push(ms(outcome.firstByte - outcome.start));
        if (outcome.firstEvent !== 0n) {
          recorder.firstEvent.push(ms(outcome.firstEvent - outcome.start));
        }
        if (outcome.firstToken !== 0n) {
          recorder.firstToken.push(ms(outcome.firstToken - outcome.start));
        }
      }
    }
  };
  const workers = Array.from({ length: spec.concurrency }, () => worker());
  await scheduleWindow(spec, recorder);
  stopped = true;
  await Promise.all(workers);
  agent.destroy();
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  const recorder = new Recorder();
  if (spec.engine === 'autocannon') await runAutocannon(spec, recorder);
  else if (spec.engine === 'native') await runNative(spec, recorder);
  else throw new Error(`load-client: engine ${spec.engine} is run by the orchestrator`);
  const windowSeconds = ms(recorder.window.end - recorder.window.start) / 1000;
  const result: LoadResult = {
    engine: spec.engine,
    requests: recorder.ok,
    errors: recorder.errors,
    windowSeconds,
    rps: recorder.ok / windowSeconds,
    latencyMs: percentiles(recorder.latencies),
    proxyCpuTicks: recorder.window.endTicks - recorder.window.startTicks,
    proxyMemory: readMemory(spec.proxyPid),
  };
  if (spec.stream) {
    result.ttfbMs = percentiles(recorder.ttfb);
    result.firstEventMs = percentiles(recorder.firstEvent);
    result.firstTokenMs = percentiles(recorder.firstToken);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load-client: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
