import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/**
 * Destroys a new socket that has not connected (TCP, or TLS for https) within `connectMs`; the
 * request then fails with ETIMEDOUT, which the transport reports as a retryable connection failure.
 */
function guardConnect(socket: Duplex | null | undefined, connectMs: number, event: string): void {
  if (!socket) return;
  const timer = setTimeout(() => {
    socket.destroy(
      Object.assign(new Error(`connect timeout after ${connectMs} ms`), { code: 'ETIMEDOUT' }),
    );
  }, connectMs);
  timer.unref();
  socket.once(event, () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}

class TimedHttpAgent extends HttpAgent {
  constructor(
    options: AgentOptions,
    private readonly connectMs: number,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: ConnectCallback) {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectMs, 'connect');
    return socket;
  }
}

class TimedHttpsAgent extends HttpsAgent {
  constructor(
    options: AgentOptions,
    private readonly connectMs: number,
  ) {
    super(options);
  }

  override createConnection(options: HttpsRequestOptions, callback?: ConnectCallback) {
    const socket = super.createConnection(options, callback);
    guardConnect(socket, this.connectMs, 'secureConnect');
    return socket;
  }
}

export interface UpstreamAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/** Keep-alive socket pools for one provider, sized by its concurrency, with a connect timeout. */
export function createUpstreamAgents(maxConcurrent: number, connectMs: number): UpstreamAgents {
  const options: AgentOptions = {
    keepAlive: true,
    keepAliveMsecs: 15_000,
    maxSockets: maxConcurrent,
    maxFreeSockets: Math.min(maxConcurrent, 256),
    scheduling: 'lifo',
  };
  return {
    http: new TimedHttpAgent(options, connectMs),
    https: new TimedHttpsAgent(options, connectMs),
  };
}
