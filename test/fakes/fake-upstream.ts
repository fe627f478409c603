import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface FakeUsage {
  input: number;
  output: number;
  cached?: number;
}

/** What the fake does with the next request. Without a queued behaviour it answers `text`. */
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
    }
  /** streams: send `afterChunks` content events, then destroy the socket */
  | { type: 'cut'; afterChunks: number }
  /** streams: send `afterChunks` content events, then the provider's in-stream error (Anthropic `error` event; others: cut) */
  | { type: 'stream_error'; afterChunks: number; message?: string }
  /** hold the request this long before answering anything (then behave as `then`, default text) */
  | { type: 'stall'; ms: number; then?: FakeBehaviour }
  /** streams: send the text slowly, one piece every `intervalMs` (for disconnect tests) */
  | { type: 'slow'; text: string; intervalMs: number };

export interface FakeUpstream {
  /** base URL to put in a provider config */
  url: string;
  requests: RecordedRequest[];
  /** streamed responses the client closed before the fake finished them, with when it noticed */
  abortedStreams: { at: number }[];
  /** queue behaviours for the next requests, in order */
  enqueue(...behaviours: FakeBehaviour[]): void;
  close(): Promise<void>;
}

export type FakeHandler = (
  request: RecordedRequest,
  behaviour: FakeBehaviour,
  res: ServerResponse,
  /** resolves when the client has gone away */
  closed: Promise<void>,
) => Promise<void>;

export const DEFAULT_BEHAVIOUR: FakeBehaviour = {
  type: 'text',
  text: 'Hello from the fake upstream.',
  usage: { input: 12, output: 6 },
};

/** Starts a node:http server on 127.0.0.1 and port 0 that records requests and runs `handler`. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeUpstream> {
  const queue: FakeBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const abortedStreams: { at: number }[] = [];

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
          if (!res.writableFinished) abortedStreams.push({ at: Date.now() });
          resolve();
        }),
      );
      const behaviour = queue.shift() ?? DEFAULT_BEHAVIOUR;
      handler(recorded, behaviour, res, closed).catch(() => res.destroy());
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    abortedStreams,
    enqueue: (...behaviours) => queue.push(...behaviours),
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
