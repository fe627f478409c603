import type { MemorySample } from './proc-stats';
import type { Percentiles } from './stats';

export type LoadEngine = 'autocannon' | 'native' | 'wrk';

/** One benchmark cell: closed-loop load at a fixed concurrency against one proxy. */
export interface LoadSpec {
  engine: LoadEngine;
  host: string;
  port: number;
  path: string;
  body: string;
  stream: boolean;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
  /** the proxy under test, whose CPU time is sampled at the edges of the measured window */
  proxyPid: number;
}

export interface LoadResult {
  engine: LoadEngine;
  /** successful (2xx, complete) responses finished inside the measured window */
  requests: number;
  /** failed requests (socket errors, non-2xx, incomplete streams) inside the window */
  errors: number;
  windowSeconds: number;
  rps: number;
  latencyMs: Percentiles;
  /** streams: request start to the first byte of the response body */
  ttfbMs?: Percentiles;
  /** streams: request start to the first byte of the first `data:` SSE event */
  firstEventMs?: Percentiles;
  /** streams: request start to the first chunk carrying non-empty `content` (time to first token) */
  firstTokenMs?: Percentiles;
  /** utime+stime of the proxy over the window, clock ticks */
  proxyCpuTicks: number;
  /** the proxy's memory at the end of the window */
  proxyMemory: MemorySample;
}
