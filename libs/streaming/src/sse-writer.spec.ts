import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Observable, Subject } from 'rxjs';
import { SSE_DONE, SSE_HEARTBEAT, sseData } from './sse-frames';
import { writeSse, type SseWriteOptions } from './sse-writer';

/** Records what writeSse does to a response, and checks it does it in a legal order. */
class FakeResponse extends EventEmitter {
  status?: number;
  headers?: Record<string, string | number>;
  body = '';
  ended = false;

  writeHead(status: number, headers: Record<string, string | number>): this {
    if (this.status !== undefined) throw new Error('writeHead called twice');
    this.status = status;
    this.headers = headers;
    return this;
  }

  write(chunk: string): boolean {
    if (this.status === undefined) throw new Error('write before writeHead');
    if (this.ended) throw new Error('write after end');
    this.body += chunk;
    return true;
  }

  end(chunk?: string): this {
    if (this.status === undefined) throw new Error('end before writeHead');
    if (this.ended) throw new Error('end called twice');
    if (chunk) this.body += chunk;
    this.ended = true;
    return this;
  }

  get raw(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

/** A Subject that also reports whether anyone still listens. */
function upstream() {
  const subject = new Subject<string>();
  const state = { subscribed: 0, tornDown: 0 };
  const frames = new Observable<string>((subscriber) => {
    state.subscribed++;
    const subscription = subject.subscribe(subscriber);
    return () => {
      state.tornDown++;
      subscription.unsubscribe();
    };
  });
  return { subject, frames, state };
}

const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

function options(over: Partial<Pick<SseWriteOptions, 'heartbeatMs' | 'headers'>> = {}) {
  return {
    heartbeatMs: over.heartbeatMs ?? 0,
    headers: jest.fn(over.headers ?? (() => ({ 'x-gateway-deployment': 'a@p1' }))),
    renderError: jest.fn((error: unknown) => ({
      status: 503,
      headers: { 'retry-after': '2' },
      body: JSON.stringify({ error: { message: String(error) } }),
    })),
    errorFrame: jest.fn((error: unknown) => sseData({ error: { message: String(error) } })),
    onClientGone: jest.fn<void, []>(),
    onClose: jest.fn<void, []>(),
  } satisfies SseWriteOptions;
}

describe('writeSse (fake response)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('sends nothing, not even headers, until the first frame', () => {
    const response = new FakeResponse();
    const { subject, frames, state } = upstream();
    const opts = options();
    writeSse(response.raw, frames, opts);
    expect(state.subscribed).toBe(1);
    expect(response.status).toBeUndefined();
    expect(opts.headers).not.toHaveBeenCalled();

    subject.next(sseData({ n: 1 }));
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({
      'content-type': SSE_CONTENT_TYPE,
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-gateway-deployment': 'a@p1',
    });
    expect(opts.headers).toHaveBeenCalledTimes(1);
    expect(response.body).toBe('data: {"n":1}\n\n');
  });

  it('computes the headers when they are flushed, not when the stream starts', () => {
    const response = new FakeResponse();
    const { subject, frames } = upstream();
    let deployment = 'a@p1';
    writeSse(
      response.raw,
      frames,
      options({ headers: () => ({ 'x-gateway-deployment': deployment }) }),
    );
    deployment = 'b@p2'; // the first attempt failed over before any frame
    subject.next(sseData('x'));
    expect(response.headers).toMatchObject({ 'x-gateway-deployment': 'b@p2' });
  });

  it('writes frames in order and ends on completion', () => {
    const response = new FakeResponse();
    const { subject, frames, state } = upstream();
    const opts = options();
    writeSse(response.raw, frames, opts);
    subject.next(sseData({ n: 1 }));
    subject.next(sseData({ n: 2 }));
    expect(response.ended).toBe(false);
    subject.next(SSE_DONE);
    subject.complete();
    expect(response.body).toBe(`data: {"n":1}\n\ndata: {"n":2}\n\n${SSE_DONE}`);
    expect(response.ended).toBe(true);
    expect(state.tornDown).toBe(1);

    response.emit('close');
    expect(opts.onClientGone).not.toHaveBeenCalled();
    expect(opts.onClose).toHaveBeenCalledTimes(1);
  });

  it('sends 200 with the SSE headers and an empty body for a stream that completes at once', () => {
    const response = new FakeResponse();
    const { subject, frames } = upstream();
    writeSse(response.raw, frames, options());
    subject.complete();
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': SSE_CONTENT_TYPE });
    expect(response.body).toBe('');
    expect(response.ended).toBe(true);
  });

  describe('heartbeats', () => {
    it('sends a comment while the stream is quiet, flushing the headers with the first', () => {
      const response = new FakeResponse();
      const { frames } = upstream();
      const opts = options({ heartbeatMs: 1000 });
      writeSse(response.raw, frames, opts);
      jest.advanceTimersByTime(999);
      expect(response.status).toBeUndefined();
      jest.advanceTimersByTime(1);
      expect(response.status).toBe(200);
      expect(response.headers).toMatchObject({
        'content-type': SSE_CONTENT_TYPE,
        'x-gateway-deployment': 'a@p1',
      });
      expect(response.body).toBe(SSE_HEARTBEAT);
      expect(SSE_HEARTBEAT).toBe(': keep-alive\n\n');
      jest.advanceTimersByTime(1000);
      expect(response.body).toBe(SSE_HEARTBEAT + SSE_HEARTBEAT);
      expect(opts.headers).toHaveBeenCalledTimes(1);
    });

    it('restarts the quiet period after every frame', () => {
      const response = new FakeResponse();
      const { subject, frames } = upstream();
      writeSse(response.raw, frames, options({ heartbeatMs: 1000 }));
      jest.advanceTimersByTime(600);
      subject.next(sseData('a'));
      jest.advanceTimersByTime(600);
      subject.next(sseData('b'));
      jest.advanceTimersByTime(999);
      expect(response.body).toBe('data: a\n\ndata: b\n\n');
      jest.advanceTimersByTime(1);
      expect(response.body).toBe(`data: a\n\ndata: b\n\n${SSE_HEARTBEAT}`);
    });

    it('stops when the stream ends', () => {
      const response = new FakeResponse();
      const { subject, frames } = upstream();
      writeSse(response.raw, frames, options({ heartbeatMs: 1000 }));
      subject.complete();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(5000);
      expect(response.body).toBe('');
    });

    it('are off with heartbeatMs 0', () => {
      const response = new FakeResponse();
      const { frames } = upstream();
      writeSse(response.raw, frames, options({ heartbeatMs: 0 }));
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(60_000);
      expect(response.status).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('before anything was written: a plain HTTP error from renderError', () => {
      const response = new FakeResponse();
      const { subject, frames } = upstream();
      const opts = options({ heartbeatMs: 1000 });
      writeSse(response.raw, frames, opts);
      const failure = new Error('model_not_found');
      subject.error(failure);

      expect(opts.renderError).toHaveBeenCalledWith(failure);
      expect(opts.errorFrame).not.toHaveBeenCalled();
      expect(response.status).toBe(503);
      expect(response.headers).toEqual({
        'x-gateway-deployment': 'a@p1',
        'retry-after': '2',
        'content-type': 'application/json; charset=utf-8',
      });
      expect(response.body).toBe('{"error":{"message":"Error: model_not_found"}}');
      expect(response.ended).toBe(true);
      expect(jest.getTimerCount()).toBe(0);

      response.emit('close');
      expect(opts.onClientGone).not.toHaveBeenCalled();
      expect(opts.onClose).toHaveBeenCalledTimes(1);
    });

    it('after frames: the error frame, then the end (no plain error)', () => {
      const response = new FakeResponse();
      const { subject, frames } = upstream();
      const opts = options();
      writeSse(response.raw, frames, opts);
      subject.next(sseData({ n: 1 }));
      const failure = new Error('cut');
      subject.error(failure);

      expect(opts.renderError).not.toHaveBeenCalled();
      expect(opts.errorFrame).toHaveBeenCalledWith(failure);
      expect(response.status).toBe(200);
      expect(response.body).toBe('data: {"n":1}\n\ndata: {"error":{"message":"Error: cut"}}\n\n');
      expect(response.ended).toBe(true);
    });

    it('after a heartbeat only: the headers are out, so an error frame', () => {
      const response = new FakeResponse();
      const { subject, frames } = upstream();
      const opts = options({ heartbeatMs: 1000 });
      writeSse(response.raw, frames, opts);
      jest.advanceTimersByTime(1000);
      subject.error(new Error('late'));
      expect(opts.renderError).not.toHaveBeenCalled();
      expect(response.status).toBe(200);
      expect(response.body).toBe(`${SSE_HEARTBEAT}data: {"error":{"message":"Error: late"}}\n\n`);
      expect(response.ended).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('client disconnect', () => {
    it('unsubscribes the upstream and reports the client gone, once', () => {
      const response = new FakeResponse();
      const { subject, frames, state } = upstream();
      const opts = options({ heartbeatMs: 1000 });
      writeSse(response.raw, frames, opts);
      subject.next(sseData('a'));

      response.emit('close');
      expect(state.tornDown).toBe(1);
      expect(opts.onClientGone).toHaveBeenCalledTimes(1);
      expect(opts.onClose).toHaveBeenCalledTimes(1);
      expect(jest.getTimerCount()).toBe(0);

      subject.next(sseData('b'));
      expect(response.body).toBe('data: a\n\n');
      expect(response.ended).toBe(false);
    });

    it('before the first frame: nothing is written at all', () => {
      const response = new FakeResponse();
      const { frames, state } = upstream();
      const opts = options({ heartbeatMs: 1000 });
      writeSse(response.raw, frames, opts);
      response.emit('close');
      jest.advanceTimersByTime(5000);
      expect(response.status).toBeUndefined();
      expect(state.tornDown).toBe(1);
      expect(opts.onClientGone).toHaveBeenCalledTimes(1);
    });
  });
});

describe('writeSse over real HTTP', () => {
  let server: Server;
  let url: string;
  let serve: (response: ServerResponse) => void;

  beforeEach(async () => {
    server = createServer((_request, response) => serve(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  interface Received {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }

  function get(onData?: (text: string, destroy: () => void) => void): Promise<Received> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, (res) => {
        let body = '';
        res.setEncoding('utf-8');
        res.on('data', (text: string) => {
          body += text;
          onData?.(text, () => req.destroy());
        });
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        res.on('end', done);
        res.on('close', done);
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
  }

  it('streams frames with the SSE headers and the gateway headers', async () => {
    const { subject, frames } = upstream();
    serve = (response) => {
      writeSse(response, frames, options({ heartbeatMs: 20 }));
      setTimeout(() => {
        subject.next(sseData({ n: 1 }));
        subject.next(SSE_DONE);
        subject.complete();
      }, 70);
    };
    const received = await get();
    expect(received.status).toBe(200);
    expect(received.headers['content-type']).toBe(SSE_CONTENT_TYPE);
    expect(received.headers['x-gateway-deployment']).toBe('a@p1');
    expect(received.body.startsWith(SSE_HEARTBEAT)).toBe(true);
    expect(received.body.endsWith(`data: {"n":1}\n\n${SSE_DONE}`)).toBe(true);
  });

  it('answers an early error with its real status and JSON body', async () => {
    serve = (response) =>
      writeSse(
        response,
        new Observable<string>((subscriber) => subscriber.error(new Error('busy'))),
        options(),
      );
    const received = await get();
    expect(received.status).toBe(503);
    expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(received.headers['retry-after']).toBe('2');
    expect(JSON.parse(received.body)).toEqual({ error: { message: 'Error: busy' } });
  });

  it('tears down the upstream when the client goes away', async () => {
    const { subject, frames, state } = upstream();
    const opts = options({ heartbeatMs: 1000 });
    const closed = new Promise<void>((resolve) => opts.onClose.mockImplementation(resolve));
    serve = (response) => {
      writeSse(response, frames, opts);
      subject.next(sseData('first'));
    };
    await get((_text, destroy) => destroy());
    await closed;
    expect(opts.onClientGone).toHaveBeenCalledTimes(1);
    expect(state.tornDown).toBe(1);
    expect(subject.observed).toBe(false);
  });
});
