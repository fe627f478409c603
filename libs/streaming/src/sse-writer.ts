import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { SSE_HEARTBEAT } from './sse-frames';

export interface SseWriteOptions {
  /** comment heartbeat interval while nothing else is written; 0 disables */
  heartbeatMs: number;
  /** response headers, computed when they are flushed (the first frame or first heartbeat) */
  headers: () => Record<string, string | number>;
  /** the response for a frames error that arrives before anything was written: a plain HTTP error */
  renderError: (error: unknown) => {
    status: number;
    headers: Record<string, string>;
    body: string;
  };
  /** the last frame for a frames error that arrives after the stream started */
  errorFrame: (error: unknown) => string;
  /** called once, when the client went away before the stream ended */
  onClientGone?: () => void;
  /** called once, when the response is over for any reason */
  onClose?: () => void;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * Writes an Observable of ready-made SSE frames to a raw HTTP response. Headers go out with the first
 * frame or heartbeat (so they can carry what the first upstream attempt decided); heartbeats are sent
 * while the stream is quiet; when the client disconnects the subscription is dropped, which tears
 * down the upstream request. An error before anything was written becomes a plain HTTP error
 * response (the caller gets a real status code); after that, an error frame ends the stream.
 */
export function writeSse(
  response: ServerResponse,
  frames: Observable<string>,
  options: SseWriteOptions,
): void {
  let headersSent = false;
  let ended = false;
  let heartbeat: NodeJS.Timeout | undefined;

  const flushHeaders = () => {
    if (headersSent) return;
    headersSent = true;
    response.writeHead(200, { ...SSE_HEADERS, ...options.headers() });
  };
  const write = (frame: string) => {
    flushHeaders();
    response.write(frame);
    heartbeat?.refresh();
  };
  const end = () => {
    if (ended) return;
    ended = true;
    if (heartbeat) clearInterval(heartbeat);
    flushHeaders();
    response.end();
  };

  if (options.heartbeatMs > 0) {
    heartbeat = setInterval(() => write(SSE_HEARTBEAT), options.heartbeatMs);
    heartbeat.unref();
  }

  const fail = (error: unknown) => {
    if (ended) return;
    if (headersSent) {
      response.write(options.errorFrame(error));
      return end();
    }
    ended = true;
    headersSent = true;
    if (heartbeat) clearInterval(heartbeat);
    const rendered = options.renderError(error);
    response.writeHead(rendered.status, {
      ...options.headers(),
      ...rendered.headers,
      'content-type': 'application/json; charset=utf-8',
    });
    response.end(rendered.body);
  };

  const subscription = frames.subscribe({ next: write, error: fail, complete: end });

  response.on('close', () => {
    if (heartbeat) clearInterval(heartbeat);
    if (!ended) {
      ended = true;
      options.onClientGone?.();
      subscription.unsubscribe();
    }
    options.onClose?.();
  });
}
