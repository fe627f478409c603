import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, toArray } from 'rxjs';
import { createRequestContext, type RequestContext } from '@app/core';
import { HttpTransport } from './http-transport';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** The transport sends the attempt span's `traceparent` (RequestContext.traceparent) upstream. */
describe('HttpTransport trace context', () => {
  let server: Server;
  let baseUrl: string;
  let seen: IncomingHttpHeaders[];

  beforeEach(async () => {
    seen = [];
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers);
        if (req.url?.includes('stream')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('data: {"n":1}\n\n');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const transport = (headers: Record<string, string> = {}) =>
    new HttpTransport({
      provider: 'up',
      baseUrl,
      maxConcurrent: 2,
      timeouts: { connectMs: 500, firstTokenMs: 1000, idleMs: 1000, totalMs: 2000 },
      headers: { authorization: 'Bearer k', ...headers },
      parseErrorBody: () => ({ message: 'error' }),
      secrets: ['k'],
    });
  const context = (traceparent?: string): RequestContext => {
    const ctx = createRequestContext({ requestId: 'r' });
    if (traceparent !== undefined) ctx.traceparent = traceparent;
    return ctx;
  };

  it('sends the context traceparent on a JSON call, beside the provider and call headers', async () => {
    await transport().postJson({
      path: '/json',
      body: {},
      context: context(TRACEPARENT),
      headers: { 'x-call': 'yes' },
    });
    expect(seen[0]).toMatchObject({
      traceparent: TRACEPARENT,
      authorization: 'Bearer k',
      'x-call': 'yes',
    });
  });

  it('sends it on a streamed call', async () => {
    const events = await lastValueFrom(
      transport()
        .postStream({ path: '/stream', body: {}, context: context(TRACEPARENT) }, 'sse')
        .pipe(toArray()),
    );
    expect(events).toHaveLength(1);
    expect(seen[0].traceparent).toBe(TRACEPARENT);
  });

  it('sends each call the traceparent its context has then (one per attempt)', async () => {
    const client = transport();
    const ctx = context(TRACEPARENT);
    await client.postJson({ path: '/json', body: {}, context: ctx });
    const second = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';
    ctx.traceparent = second;
    await client.postJson({ path: '/json', body: {}, context: ctx });
    expect(seen.map((headers) => headers.traceparent)).toEqual([TRACEPARENT, second]);
  });

  it('wins over a configured header of the same name', async () => {
    await transport({ traceparent: 'configured' }).postJson({
      path: '/json',
      body: {},
      context: context(TRACEPARENT),
    });
    expect(seen[0].traceparent).toBe(TRACEPARENT);
  });

  it('sends none when tracing is off (no traceparent in the context)', async () => {
    await transport().postJson({ path: '/json', body: {}, context: context() });
    await transport().postJson({ path: '/json', body: {}, context: context('') });
    expect(seen[0].traceparent).toBeUndefined();
    expect(seen[1].traceparent).toBeUndefined();
    expect(seen[0].tracestate).toBeUndefined();
  });
});
