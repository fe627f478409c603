import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { UpstreamAgents } from './agents';

/** Where one provider lives: parsed once, so a request only appends its path. */
export interface UpstreamTarget {
  https: boolean;
  hostname: string;
  port: number;
  /** the base URL's path without a trailing slash, e.g. `/v1` */
  basePath: string;
}

export function parseBaseUrl(baseUrl: string): UpstreamTarget {
  const url = new URL(baseUrl);
  const https = url.protocol === 'https:';
  return {
    https,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : https ? 443 : 80,
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}

/** An upstream request in flight: destroy `request` to abandon it (a timeout, a caller gone). */
export interface UpstreamExchange {
  request: ClientRequest;
  /** the response head (the body still to be read); rejects on connection errors */
  response: Promise<IncomingMessage>;
}

/**
 * POSTs a JSON payload over the provider's keep-alive agent. Plain node:http: the per-request cost
 * of a general-purpose client was a fifth of the gateway's CPU per request in the benchmark (see
 * docs/architecture.md). Cancelling is the caller's: destroying the request is cheaper than an
 * AbortSignal per attempt.
 */
export function postUpstream(
  target: UpstreamTarget,
  agents: UpstreamAgents,
  path: string,
  payload: string,
  headers: OutgoingHttpHeaders,
): UpstreamExchange {
  let request!: ClientRequest;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request = (target.https ? httpsRequest : httpRequest)(
      {
        method: 'POST',
        hostname: target.hostname,
        port: target.port,
        path: target.basePath + path,
        agent: target.https ? agents.https : agents.http,
        headers: { ...headers, 'content-length': Buffer.byteLength(payload) },
      },
      resolve,
    );
    request.on('error', reject);
    request.end(payload);
  });
  return { request, response };
}

/** Reads a whole body as UTF-8, failing past `limit` bytes; settles also when the body is destroyed. */
export function readBody(body: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy(
          Object.assign(new Error(`response larger than ${limit} bytes`), {
            code: 'ERR_BODY_TOO_LARGE',
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf-8')));
    body.on('error', reject);
    body.on('close', () => {
      if (!body.complete)
        reject(Object.assign(new Error('response body cut'), { code: 'ECONNRESET' }));
    });
  });
}
