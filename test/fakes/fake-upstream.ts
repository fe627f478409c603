import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createFaultSource,
  emptyFaultCounts,
  faultProfile,
  validateFaultMix,
  type FaultDraw,
  type FaultKind,
  type FaultMix,
  type FaultProfile,
} from './faults';

/**
 * Common frame of the fake upstream servers: each provider's fake (test/fakes/<provider>-upstream.ts)
 * speaks that provider's exact wire protocol over plain node:http, and is scripted per request.
 */

export interface RecordedRequest {
  method: string;
  /** path with query string */
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** the fault the seeded mix drew for this request (unset: queued behaviour, no mix, or no fault) */
  fault?: FaultKind;
  /** the slow-tail delay the mix added to this request, in ms */
  tailMs?: number;
}

export interface FakeUsage {
  input: number;
  output: number;
  cached?: number;
}

/**
 * What the fake does with the next request. Without a queued behaviour it answers `text` (or, with a
 * fault mix set, what the mix draws). Every provider fake renders every kind in its own wire format.
 */
export type FakeBehaviour =
  | { type: 'text'; text: string; usage?: FakeUsage; finish?: 'stop' | 'length' }
  | { type: 'tool_call'; id?: string; name: string; arguments: string; usage?: FakeUsage }
  /** an HTTP error with the provider's error body (or `body`), and optional headers (retry hints) */
  | {
      type: 'error';
      status: number;
      message?: string;
      body?: unknown;
      headers?: Record<string, string>;
      /**
       * Gemini only: a `google.rpc.RetryInfo` detail with this protobuf Duration (`"27s"`,
       * `"0.03s"`) in the error body; the other fakes ignore it (no hint). See faults.ts rateLimited.
       */
      retryDelay?: string;
    }
  /** streams: send `afterChunks` content events, then destroy the socket; non-stream: `truncated` */
  | { type: 'cut'; afterChunks: number }
  /** streams: send `afterChunks` content events, then the provider's in-stream error (Anthropic `error` event; others: cut) */
  | { type: 'stream_error'; afterChunks: number; message?: string }
  /** hold the request this long before answering anything (then behave as `then`, default text) */
  | { type: 'stall'; ms: number; then?: FakeBehaviour }
  /** streams: send the text slowly, one piece every `intervalMs` (for disconnect tests) */
  | { type: 'slow'; text: string; intervalMs: number }
  /** a connection reset: the socket is destroyed with a TCP RST before any response byte */
  | { type: 'reset' }
  /**
   * streams: send `afterChunks` content events of the default text, go silent for `ms` (less when
   * the client goes away), then finish normally; non-stream: `stall` of `ms`, then the default text
   */
  | { type: 'stall_mid'; afterChunks: number; ms: number }
  /**
   * non-stream: the status line, the headers (content-length of the whole body) and the first half
   * of the default text answer's JSON, then the socket is destroyed; streams: `cut` after 1 chunk
   */
  | { type: 'truncated' };

export type BehaviourOf<T extends FakeBehaviour['type']> = Extract<FakeBehaviour, { type: T }>;
export type ErrorBehaviour = BehaviourOf<'error'>;

/** A client that went away before the fake finished its response (never counts the fake's own kills). */
export interface AbandonedRequest {
  /** when the fake noticed (Date.now()) */
  at: number;
  method: string;
  url: string;
}

export interface FakeUpstream {
  /** base URL to put in a provider config */
  url: string;
  requests: RecordedRequest[];
  /**
   * responses the client closed before the fake finished them, with when it noticed (streamed or
   * not: the frame cannot tell; kept for existing users, `abandoned` says which request it was).
   * Sockets the fake itself destroys (reset, cut, truncated) are not counted.
   */
  abortedStreams: { at: number }[];
  /** every request, streamed or not, whose client went away before its response finished */
  abandoned: AbandonedRequest[];
  /** how many of each fault the seeded mix injected (queued behaviours are not counted) */
  faultsInjected: Record<FaultKind, number>;
  /** how many answers the mix's slow tail delayed */
  readonly slowTails: number;
  /** queue behaviours for the next requests, in order; a queued behaviour always wins over the mix */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /**
   * Draw the behaviour of every request that finds the queue empty from this seeded mix (or stop,
   * with undefined). Each call restarts the generator at `mix.seed`; counters are not reset.
   */
  setFaults(mix: FaultMix | undefined): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** how this provider renders the mix's provider-dependent faults (overloaded, rate_limited) */
  faultProfile?: Partial<FaultProfile>;
}

export type FakeHandler = (
  request: RecordedRequest,
  behaviour: FakeBehaviour,
  res: ServerResponse,
  /** resolves when the client has gone away */
  closed: Promise<void>,
) => Promise<void>;

/** the normal answer: what a request gets without a queued behaviour or a drawn fault */
export const DEFAULT_TEXT = {
  type: 'text' as const,
  text: 'Hello from the fake upstream.',
  usage: { input: 12, output: 6 },
} satisfies BehaviourOf<'text'>;

export const DEFAULT_BEHAVIOUR: FakeBehaviour = DEFAULT_TEXT;

/**
 * Starts a node:http server on 127.0.0.1 and port 0 that records requests and runs `handler`.
 * `handler` gets the queued behaviour, else the fault mix's draw, else DEFAULT_BEHAVIOUR.
 */
export async function startFakeServer(
  handler: FakeHandler,
  options: FakeServerOptions = {},
): Promise<FakeUpstream> {
  const queue: FakeBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const abortedStreams: { at: number }[] = [];
  const abandoned: AbandonedRequest[] = [];
  const profile = faultProfile(options.faultProfile);
  const faultsInjected = emptyFaultCounts();
  let slowTails = 0;
  let drawFault: (() => FaultDraw) | undefined;

  /** the queued behaviour, else the mix's draw (counted and noted on the request), else text */
  const nextBehaviour = (recorded: RecordedRequest): FakeBehaviour => {
    const queued = queue.shift();
    if (queued !== undefined || drawFault === undefined) return queued ?? DEFAULT_BEHAVIOUR;
    const draw = drawFault();
    if (draw.fault !== undefined) {
      faultsInjected[draw.fault] += 1;
      recorded.fault = draw.fault;
    }
    if (draw.tailMs > 0) {
      slowTails += 1;
      recorded.tailMs = draw.tailMs;
    }
    return draw.behaviour ?? DEFAULT_BEHAVIOUR;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf-8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep raw text */
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const closed = new Promise<void>((resolve) =>
        res.on('close', () => {
          if (!res.writableFinished && !killedByFake.has(res)) {
            const at = Date.now();
            abortedStreams.push({ at });
            abandoned.push({ at, method: recorded.method, url: recorded.url });
          }
          resolve();
        }),
      );
      const behaviour = nextBehaviour(recorded);
      handler(recorded, behaviour, res, closed).catch(() => killConnection(res));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    abortedStreams,
    abandoned,
    faultsInjected,
    get slowTails() {
      return slowTails;
    },
    enqueue: (...behaviours) => queue.push(...behaviours),
    setFaults: (mix) => {
      if (mix !== undefined) validateFaultMix(mix);
      drawFault = mix === undefined ? undefined : createFaultSource(mix, profile);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits `ms`, or less when the client goes away first (the timer is cleared); true when it is still there. */
export function waitUnlessClosed(ms: number, closed: Promise<void>): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    void closed.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Writes one SSE event (optionally named). */
export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
}

/** Splits text into word-ish pieces, as upstreams stream it. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

// ---- shared fault rendering ---------------------------------------------------------------------

/** responses whose socket the fake destroyed on purpose: not a client going away */
const killedByFake = new WeakSet<ServerResponse>();

/**
 * Destroys the response's socket on purpose (the frame does not record it as abandoned):
 * `destroy` closes it (FIN), `reset` sends a TCP RST, the client sees ECONNRESET.
 */
export function killConnection(res: ServerResponse, how: 'destroy' | 'reset' = 'destroy'): void {
  killedByFake.add(res);
  const socket = res.socket;
  if (how === 'reset' && socket && !socket.destroyed) socket.resetAndDestroy();
  else res.destroy();
}

/**
 * The stream-dependent kinds, rewritten into what the provider renders for this request:
 * non-stream `cut` is `truncated`, non-stream `stall_mid` is a `stall` then text, a streamed
 * `truncated` is `cut` after one chunk. Anything else is returned as is.
 */
export function adaptToStream(behaviour: FakeBehaviour, stream: boolean): FakeBehaviour {
  if (stream && behaviour.type === 'truncated') return { type: 'cut', afterChunks: 1 };
  if (!stream && behaviour.type === 'cut') return { type: 'truncated' };
  if (!stream && behaviour.type === 'stall_mid') return { type: 'stall', ms: behaviour.ms };
  return behaviour;
}

/**
 * Non-stream `truncated`: a 200 with `headers` and a content-length of the whole `body`, the first
 * half of the body, then (once the bytes had time to leave) the socket is destroyed.
 */
export async function sendTruncated(
  res: ServerResponse,
  closed: Promise<void>,
  headers: Record<string, string>,
  body: string,
): Promise<void> {
  const bytes = Buffer.from(body, 'utf-8');
  res.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
  if (await waitUnlessClosed(20, closed)) killConnection(res);
}

/**
 * How long a stream waits before content event `index` of `count` (`index === count`: before the
 * end of the stream). Used by `slow` and `stall_mid`.
 */
export type Pacing = (index: number, count: number) => number;

/** no waiting */
export const AT_ONCE: Pacing = () => 0;

/** `ms` between consecutive content events */
export const between =
  (ms: number): Pacing =>
  (index, count) =>
    index > 0 && index < count ? ms : 0;

/** one pause of `ms` after `afterChunks` content events (before the end when there are fewer) */
export const pauseAfter =
  (afterChunks: number, ms: number): Pacing =>
  (index, count) =>
    index === Math.min(Math.max(0, afterChunks), count) ? ms : 0;
