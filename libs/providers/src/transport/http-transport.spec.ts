import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { take, type Observable } from 'rxjs';
import { createRequestContext, GatewayError, type RequestContext } from '@app/core';
import type { ProviderTimeouts } from '../provider-config';
import { HttpTransport, type ErrorBodyParser, type HttpTransportOptions } from './http-transport';
import type { WireEvent } from './stream-decoders';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** set when the connection closed before the response finished */
  closedEarly: boolean;
}

const SECRET = 'sk-live-super-secret-key-1234567890';
const FAST: ProviderTimeouts = { connectMs: 500, firstTokenMs: 1000, idleMs: 1000, totalMs: 3000 };

/** The test's parser: OpenAI-shaped bodies, plus a `retry_ms` hint in the body. */
const parseErrorBody: ErrorBodyParser = (body, status) => {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: { message?: string; code?: string } }).error;
    const retryMs = (body as { retry_ms?: number }).retry_ms;
    return { message: error.message ?? `HTTP ${status}`, code: error.code, retryAfterMs: retryMs };
  }
  return { message: typeof body === 'string' ? body : `HTTP ${status}` };
};

describe('HttpTransport', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  let seen: Seen[];

  beforeEach(async () => {
    seen = [];
    handler = (_req, res) => json(res, 200, { ok: true });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const record: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf-8'),
          closedEarly: false,
        };
        seen.push(record);
        res.on('close', () => {
          if (!res.writableFinished) record.closedEarly = true;
        });
        handler(req, res, record.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const transport = (over: Partial<HttpTransportOptions> = {}) =>
    new HttpTransport({
      provider: 'test-upstream',
      baseUrl,
      maxConcurrent: 4,
      timeouts: FAST,
      headers: { authorization: `Bearer ${SECRET}`, 'x-extra': 'config' },
      parseErrorBody,
      secrets: [SECRET],
      ...over,
    });
  const ctx = (over: Partial<RequestContext> = {}) =>
    createRequestContext({ requestId: 'req-t', ...over });

  describe('postJson', () => {
    it('posts JSON with the configured and per-call headers and resolves the parsed body', async () => {
      handler = (_req, res, body) => json(res, 200, { echo: JSON.parse(body) as unknown });
      const result = await transport().postJson({
        path: '/chat/completions?x=1',
        body: { hello: 'wörld' },
        context: ctx(),
        headers: { 'x-call': 'yes' },
      });
      expect(result).toEqual({ echo: { hello: 'wörld' } });
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1' });
      expect(seen[0].headers).toMatchObject({
        'content-type': 'application/json',
        authorization: `Bearer ${SECRET}`,
        'x-extra': 'config',
        'x-call': 'yes',
      });
    });

    it('maps a non-2xx JSON body through the provider parser', async () => {
      handler = (_req, res) =>
        json(res, 400, { error: { message: 'bad field', code: 'context_length_exceeded' } });
      const error = await rejection(transport().postJson(call(ctx())));
      expect(error).toMatchObject({
        status: 400,
        code: 'context_length_exceeded',
        upstreamStatus: 400,
        provider: 'test-upstream',
        retryable: false,
      });
      expect(error.message).toContain('bad field');
    });

    it('maps a non-2xx non-JSON body, scrubbing secrets from it', async () => {
      handler = (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(`<html>bad gateway for key ${SECRET} and sk-proj-otherkey123456</html>`);
      };
      const error = await rejection(transport().postJson(call(ctx())));
      expect(error).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
      expect(error.message).toContain('bad gateway');
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain('sk-proj-otherkey');
    });

    it('survives a parser that throws', async () => {
      handler = (_req, res) => json(res, 500, { weird: true });
      const error = await rejection(
        transport({
          parseErrorBody: () => {
            throw new Error('parser bug');
          },
        }).postJson(call(ctx())),
      );
      expect(error).toMatchObject({ code: 'upstream_error', retryable: true });
    });

    it.each([
      ['retry-after-ms', { 'retry-after-ms': '1500', 'retry-after': '20' }, 1500],
      ['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '250' }, 250],
      ['retry-after seconds', { 'retry-after': '3' }, 3000],
    ])('reads the retry hint from %s', async (_name, headers, expected) => {
      handler = (_req, res) => json(res, 429, { error: { message: 'slow down' } }, headers);
      const error = await rejection(transport().postJson(call(ctx())));
      expect(error).toMatchObject({ status: 503, retryable: true, retryAfterMs: expected });
    });

    it('reads the retry hint from retry-after as an HTTP date', async () => {
      const when = new Date(Date.now() + 30_000).toUTCString();
      handler = (_req, res) =>
        json(res, 503, { error: { message: 'busy' } }, { 'retry-after': when });
      const error = await rejection(transport().postJson(call(ctx())));
      expect(error.retryAfterMs).toBeGreaterThan(25_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it('falls back to the hint in the body when no header has one', async () => {
      handler = (_req, res) => json(res, 429, { error: { message: 'slow' }, retry_ms: 4200 });
      expect(await rejection(transport().postJson(call(ctx())))).toMatchObject({
        retryAfterMs: 4200,
      });
    });

    it('lets x-should-retry override the status', async () => {
      handler = (_req, res) =>
        json(res, 400, { error: { message: 'try again' } }, { 'x-should-retry': 'true' });
      expect(await rejection(transport().postJson(call(ctx())))).toMatchObject({
        status: 400,
        retryable: true,
      });
      handler = (_req, res) =>
        json(res, 503, { error: { message: 'no' } }, { 'x-should-retry': 'false' });
      expect(await rejection(transport().postJson(call(ctx())))).toMatchObject({
        status: 503,
        retryable: false,
      });
    });

    it('does not pass the upstream text of a 401 or 403 on', async () => {
      for (const status of [401, 403]) {
        handler = (_req, res) =>
          json(res, status, {
            error: { message: `Incorrect API key provided: ${SECRET.slice(0, 12)}...7890.` },
          });
        const error = await rejection(transport().postJson(call(ctx())));
        expect(error).toMatchObject({
          status: 502,
          code: 'upstream_authentication_failed',
          upstreamStatus: status,
          retryable: false,
        });
        expect(error.message).not.toMatch(/Incorrect API key|sk-live/);
      }
    });

    it('reports a refused connection as unreachable and retryable', async () => {
      const closed = await closedPortUrl();
      const error = await rejection(transport({ baseUrl: closed }).postJson(call(ctx())));
      expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('gives up after the total timeout and closes the upstream request', async () => {
      handler = stall;
      const started = Date.now();
      const error = await rejection(
        transport({ timeouts: { ...FAST, totalMs: 150 } }).postJson(call(ctx())),
      );
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(1000);
      await waitFor(() => seen[0]?.closedEarly === true);
    });

    it('gives up at the request deadline when it comes before the total timeout', async () => {
      handler = stall;
      const error = await rejection(
        transport().postJson(call(ctx({ deadline: Date.now() + 120 }))),
      );
      expect(error).toMatchObject({ code: 'upstream_timeout' });
      expect(error.message).toMatch(/within \d{2,3} ms/);
    });

    it('does not send anything when the caller already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(transport().postJson(call(ctx({ signal: controller.signal }))));
      expect(error).toMatchObject({ status: 499, code: 'client_closed_request' });
      await sleep(50);
      expect(seen).toHaveLength(0);
    });

    it('aborts the upstream request when the caller aborts while waiting', async () => {
      handler = stall;
      const controller = new AbortController();
      const pending = transport().postJson(call(ctx({ signal: controller.signal })));
      await waitFor(() => seen.length === 1);
      controller.abort();
      expect(await rejection(pending)).toMatchObject({ code: 'client_closed_request' });
      await waitFor(() => seen[0].closedEarly);
    });
  });

  describe('postStream', () => {
    it('decodes an SSE body written in many tiny pieces, multi-byte characters split', async () => {
      const text =
        'event: ping\ndata: {}\n\n' +
        'data: {"t":"héllo 👋"}\n\n' +
        ': comment\n\n' +
        'data: {"t":"wörld"}\r\n\r\n' +
        'data: [DONE]\n\n';
      handler = (_req, res) => writeInPieces(res, 'text/event-stream', text, 3);
      const { events, error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(error).toBeUndefined();
      expect(events).toEqual([
        { event: 'ping', data: '{}' },
        { event: undefined, data: '{"t":"héllo 👋"}' },
        { event: undefined, data: '{"t":"wörld"}' },
        { event: undefined, data: '[DONE]' },
      ]);
      expect(seen[0].headers['content-type']).toBe('application/json');
    });

    it('decodes an NDJSON body written in many tiny pieces, last line without newline', async () => {
      const text = '{"message":{"content":"ça"},"done":false}\n\n{"done":true,"eval_count":3}';
      handler = (_req, res) => writeInPieces(res, 'application/x-ndjson', text, 2);
      const { events, error } = await collectEvents(transport().postStream(call(ctx()), 'ndjson'));
      expect(error).toBeUndefined();
      expect(events).toEqual([
        { data: '{"message":{"content":"ça"},"done":false}' },
        { data: '{"done":true,"eval_count":3}' },
      ]);
    });

    it('is cold: nothing is sent before subscribe', async () => {
      transport().postStream(call(ctx()), 'sse');
      await sleep(50);
      expect(seen).toHaveLength(0);
    });

    it('maps a non-2xx status with a JSON body and its retry hint', async () => {
      handler = (_req, res) =>
        json(
          res,
          429,
          { error: { message: 'slow down', code: 'rate_limit_exceeded' } },
          {
            'retry-after-ms': '900',
          },
        );
      const { error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(error).toMatchObject({
        status: 503,
        code: 'rate_limit_exceeded',
        retryAfterMs: 900,
        retryable: true,
      });
    });

    it('maps a non-2xx status with a text body', async () => {
      handler = (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal oops');
      };
      const { error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(error).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
      expect((error as Error).message).toContain('internal oops');
    });

    it('does not pass the upstream text of a 401 on', async () => {
      handler = (_req, res) => json(res, 401, { error: { message: `bad key ${SECRET}` } });
      const { error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(error).toMatchObject({ code: 'upstream_authentication_failed' });
      expect((error as Error).message).not.toContain('bad key');
    });

    it('reports a refused connection', async () => {
      const closed = await closedPortUrl();
      const { error } = await collectEvents(
        transport({ baseUrl: closed }).postStream(call(ctx()), 'sse'),
      );
      expect(error).toMatchObject({ code: 'upstream_unreachable', retryable: true });
    });

    it('times out when no first event arrives, and closes the upstream socket', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': keep-alive comments are not events\n\n');
      };
      const started = Date.now();
      const { error } = await collectEvents(
        transport({ timeouts: { ...FAST, firstTokenMs: 150 } }).postStream(call(ctx()), 'sse'),
      );
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout', retryable: true });
      expect((error as Error).message).toMatch(/no first event within 150 ms/);
      expect(Date.now() - started).toBeLessThan(1000);
      await waitFor(() => seen[0].closedEarly);
    });

    it('times out a stream that goes idle after its first events', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        res.write('data: 2\n\n');
      };
      const { events, error } = await collectEvents(
        transport({ timeouts: { ...FAST, idleMs: 150 } }).postStream(call(ctx()), 'sse'),
      );
      expect(events.map((e) => e.data)).toEqual(['1', '2']);
      expect(error).toMatchObject({ code: 'upstream_timeout' });
      expect((error as Error).message).toMatch(/idle for more than 150 ms/);
      await waitFor(() => seen[0].closedEarly);
    });

    it('keeps a steady stream alive past idleMs as long as events keep coming', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let n = 0;
        const timer = setInterval(() => {
          n += 1;
          res.write(`data: ${n}\n\n`);
          if (n === 6) {
            clearInterval(timer);
            res.end();
          }
        }, 40);
        res.on('close', () => clearInterval(timer));
      };
      const { events, error } = await collectEvents(
        transport({ timeouts: { ...FAST, idleMs: 100 } }).postStream(call(ctx()), 'sse'),
      );
      expect(error).toBeUndefined();
      expect(events).toHaveLength(6);
    });

    it('stops at the total timeout even while events keep coming', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write('data: tick\n\n'), 20);
        res.on('close', () => clearInterval(timer));
      };
      const { events, error } = await collectEvents(
        transport({ timeouts: { ...FAST, totalMs: 200 } }).postStream(call(ctx()), 'sse'),
      );
      expect(events.length).toBeGreaterThan(2);
      expect(error).toMatchObject({ code: 'upstream_timeout' });
      expect((error as Error).message).toMatch(/did not finish within 200 ms/);
      await waitFor(() => seen[0].closedEarly);
    });

    it('does not send anything when the caller already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const { error } = await collectEvents(
        transport().postStream(call(ctx({ signal: controller.signal })), 'sse'),
      );
      expect(error).toMatchObject({ status: 499, code: 'client_closed_request' });
      await sleep(50);
      expect(seen).toHaveLength(0);
    });

    it('closes the upstream socket when the caller aborts mid-stream', async () => {
      handler = tickForever;
      const controller = new AbortController();
      const done = collectEvents(
        transport().postStream(call(ctx({ signal: controller.signal })), 'sse'),
      );
      await waitFor(() => seen.length === 1);
      await sleep(60);
      controller.abort();
      const { events, error } = await done;
      expect(events.length).toBeGreaterThan(0);
      expect(error).toMatchObject({ code: 'client_closed_request' });
      await waitFor(() => seen[0].closedEarly);
    });

    it('closes the upstream socket when the subscriber unsubscribes', async () => {
      handler = tickForever;
      const { events, error } = await collectEvents(
        transport().postStream(call(ctx()), 'sse').pipe(take(2)),
      );
      expect(events).toHaveLength(2);
      expect(error).toBeUndefined();
      await waitFor(() => seen[0].closedEarly);
    });

    it('completes when the upstream ends the body; judging the end is the provider mapper’s job', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: only one\n\ndata: never termin');
      };
      const { events, error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(error).toBeUndefined();
      expect(events.map((e) => e.data)).toEqual(['only one']);
    });

    it('fails, retryably, when the upstream socket breaks mid-stream', async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        setTimeout(() => res.destroy(), 30);
      };
      const { events, error } = await collectEvents(transport().postStream(call(ctx()), 'sse'));
      expect(events).toHaveLength(1);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 502, retryable: true });
      // a body that breaks after the response started is a cut stream
      expect((error as GatewayError).code).toBe('upstream_stream_cut');
    });
  });
});

// ---- helpers -----------------------------------------------------------------------------------

const call = (context: RequestContext) => ({
  path: '/chat/completions',
  body: { model: 'm' },
  context,
});

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Never answers; the socket closes when the client gives up (or the test server closes). */
function stall(): void {}

function tickForever(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let n = 0;
  const timer = setInterval(() => res.write(`data: ${++n}\n\n`), 15);
  res.on('close', () => clearInterval(timer));
}

/** Writes `text` a few bytes at a time, each write on its own tick, then ends. */
function writeInPieces(res: ServerResponse, contentType: string, text: string, size: number) {
  res.writeHead(200, { 'content-type': contentType });
  const bytes = Buffer.from(text, 'utf-8');
  let offset = 0;
  const next = () => {
    if (offset >= bytes.length) {
      res.end();
      return;
    }
    res.write(bytes.subarray(offset, offset + size));
    offset += size;
    setImmediate(next);
  };
  next();
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function collectEvents(
  stream: Observable<WireEvent>,
): Promise<{ events: WireEvent[]; error?: unknown }> {
  const events: WireEvent[] = [];
  return new Promise((resolve) => {
    stream.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events }),
    });
  });
}

/** A URL on a port nobody listens on. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}
