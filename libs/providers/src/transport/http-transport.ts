import type { IncomingMessage } from 'node:http';
import { Observable } from 'rxjs';
import {
  GatewayError,
  redactSecrets,
  streamCutError,
  upstreamError,
  type RequestContext,
} from '@app/core';
import type { ProviderTimeouts } from '../provider-config';
import { badResponse } from '../wire/json-guards';
import { createUpstreamAgents, type UpstreamAgents } from './agents';
import { retryAfterFromHeaders, shouldRetryFromHeaders, type HeaderBag } from './retry-hints';
import { createStreamDecoder, type StreamFraming, type WireEvent } from './stream-decoders';
import {
  parseBaseUrl,
  postUpstream,
  readBody,
  type UpstreamExchange,
  type UpstreamTarget,
} from './upstream-request';

/** What a provider makes of an error body: its message, its own error code, a retry hint in it. */
export interface UpstreamErrorDetails {
  message: string;
  code?: string;
  retryAfterMs?: number;
  /** the provider's own verdict, e.g. false for a spend limit that will not lift by retrying */
  retryable?: boolean;
  /** the status the error really has, when the provider uses another (Gemini: a bad key is a 400) */
  status?: number;
}

/** `body` is the parsed JSON body when it was JSON, else the raw text. */
export type ErrorBodyParser = (body: unknown, status: number) => UpstreamErrorDetails;

export interface HttpTransportOptions {
  provider: string;
  baseUrl: string;
  maxConcurrent: number;
  timeouts: ProviderTimeouts;
  /** headers sent on every request (auth, versions, the config's extra headers) */
  headers: Record<string, string>;
  parseErrorBody: ErrorBodyParser;
  /** literal secrets to scrub from anything derived from upstream text */
  secrets: readonly (string | undefined)[];
}

export interface TransportCall {
  /** appended to the base URL, may carry a query string */
  path: string;
  body: unknown;
  context: RequestContext;
  headers?: Record<string, string>;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_MESSAGE_CHARS = 600;

/**
 * The one HTTP path to an upstream: keep-alive sockets, the caller's abort signal, the provider's
 * timeouts and the request deadline, SSE/NDJSON decoding, and every failure mapped to a GatewayError
 * with its retry hint.
 */
export class HttpTransport {
  private readonly target: UpstreamTarget;
  private readonly agents: UpstreamAgents;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: HttpTransportOptions) {
    this.target = parseBaseUrl(options.baseUrl);
    this.agents = createUpstreamAgents(options.maxConcurrent, options.timeouts.connectMs);
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...options.headers,
    };
  }

  private send(call: TransportCall): UpstreamExchange {
    return postUpstream(
      this.target,
      this.agents,
      call.path,
      JSON.stringify(call.body),
      this.headersOf(call),
    );
  }

  /**
   * The provider's headers, the call's own, and with tracing on the W3C `traceparent` of the
   * attempt's span (so the upstream's spans join the caller's trace). It wins over a configured
   * header of the same name: it names the span this very request belongs to.
   */
  private headersOf(call: TransportCall): Record<string, string> {
    const traceparent = call.context.traceparent;
    if (!traceparent) return call.headers ? { ...this.headers, ...call.headers } : this.headers;
    return { ...this.headers, ...call.headers, traceparent };
  }

  /** POST a JSON body and resolve the parsed JSON response; rejects with a GatewayError. */
  async postJson(call: TransportCall): Promise<unknown> {
    if (call.context.signal.aborted) throw GatewayError.aborted();
    const limitMs = this.remainingMs(call.context, this.options.timeouts.totalMs);
    const exchange = this.send(call);
    // destroyed with an error, so a pending response head rejects rather than waits forever
    const abandon = () => exchange.request.destroy(new Error('request abandoned'));
    const onCallerAbort = abandon;
    call.context.signal.addEventListener('abort', onCallerAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abandon();
    }, limitMs);
    try {
      const response = await exchange.response;
      const text = await readBody(response, MAX_RESPONSE_BYTES);
      const status = response.statusCode ?? 0;
      if (status >= 300 || status < 200) {
        throw this.statusError(status, parseMaybeJson(text), response.headers);
      }
      return parseJsonBody(this.options.provider, text);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (call.context.signal.aborted) throw GatewayError.aborted();
      if (timedOut) throw this.timeoutError(`did not answer within ${limitMs} ms`);
      throw this.connectionError(error);
    } finally {
      clearTimeout(timer);
      call.context.signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * POST and stream the response as wire events. Cold: the request starts on subscribe and is
   * aborted on unsubscribe. Errors: non-2xx status, connection failure, no first event within
   * `firstTokenMs`, a gap over `idleMs`, the total limit or deadline, the caller's abort. Completes
   * when the upstream ends the body; whether that end was a clean finish is the provider's call.
   */
  postStream(call: TransportCall, framing: StreamFraming): Observable<WireEvent> {
    return new Observable<WireEvent>((subscriber) => {
      const { timeouts } = this.options;
      // assigned once the request is sent; `fail` may run before that
      let exchange: UpstreamExchange | undefined = undefined;
      const decoder = createStreamDecoder(framing);
      const totalMs = this.remainingMs(call.context, timeouts.totalMs);
      let body: IncomingMessage | undefined;
      let finished = false;
      let receivedAny = false;

      const finish = (): boolean => {
        if (finished) return false;
        finished = true;
        clearTimeout(gapTimer);
        clearTimeout(totalTimer);
        call.context.signal.removeEventListener('abort', onCallerAbort);
        return true;
      };
      const fail = (error: GatewayError) => {
        if (!finish()) return;
        exchange?.request.destroy();
        body?.destroy();
        subscriber.error(error);
      };
      const onCallerAbort = () => fail(GatewayError.aborted());
      const emit = (event: WireEvent) => {
        if (finished) return;
        if (!receivedAny) {
          receivedAny = true;
          clearTimeout(gapTimer);
          gapTimer = setTimeout(onGap, timeouts.idleMs);
        } else {
          gapTimer.refresh();
        }
        subscriber.next(event);
      };
      const onGap = () =>
        fail(
          this.timeoutError(
            receivedAny
              ? `stream was idle for more than ${timeouts.idleMs} ms`
              : `sent no first event within ${timeouts.firstTokenMs} ms`,
          ),
        );
      let gapTimer = setTimeout(onGap, Math.min(timeouts.firstTokenMs, totalMs));
      const totalTimer = setTimeout(
        () => fail(this.timeoutError(`stream did not finish within ${totalMs} ms`)),
        totalMs,
      );

      if (call.context.signal.aborted) {
        fail(GatewayError.aborted());
        return;
      }
      call.context.signal.addEventListener('abort', onCallerAbort, { once: true });

      exchange = this.send(call);
      exchange.response.then(
        async (response) => {
          body = response;
          if (finished) {
            body.destroy();
            return;
          }
          const status = response.statusCode ?? 0;
          if (status >= 300 || status < 200) {
            const text = await readBody(body, MAX_ERROR_BODY_BYTES).catch(() => '');
            fail(this.statusError(status, parseMaybeJson(text), response.headers));
            return;
          }
          body.on('data', (bytes: Buffer) => {
            // any bytes (also SSE comments an upstream sends while it thinks) prove it is alive
            if (receivedAny) gapTimer.refresh();
            decoder.push(bytes, emit);
          });
          body.on('end', () => {
            decoder.end(emit);
            if (finish()) subscriber.complete();
          });
          body.on('error', (error) => fail(this.brokenStreamError(error)));
          body.on('close', () => {
            if (!body?.complete) fail(this.brokenStreamError({ code: 'ECONNRESET' }));
          });
        },
        (error: unknown) => fail(this.connectionError(error)),
      );

      return () => {
        if (finish()) {
          exchange?.request.destroy();
          body?.destroy();
        }
      };
    });
  }

  private remainingMs(context: RequestContext, limitMs: number): number {
    if (context.deadline === undefined) return limitMs;
    return Math.max(1, Math.min(limitMs, context.deadline - Date.now()));
  }

  private scrub(text: string): string {
    const clean = redactSecrets(text, this.options.secrets);
    return clean.length > MAX_ERROR_MESSAGE_CHARS
      ? `${clean.slice(0, MAX_ERROR_MESSAGE_CHARS)}...`
      : clean;
  }

  private statusError(status: number, body: unknown, bag: HeaderBag): GatewayError {
    let details: UpstreamErrorDetails;
    try {
      details = this.options.parseErrorBody(body, status);
    } catch {
      details = { message: typeof body === 'string' ? body : `HTTP ${status}` };
    }
    const effective = details.status ?? status;
    const message =
      effective === 401 || effective === 403
        ? 'the upstream rejected the gateway credentials (check the provider API key)'
        : this.scrub(details.message || `HTTP ${status}`);
    return upstreamError({
      provider: this.options.provider,
      status: effective,
      message,
      upstreamCode: details.code,
      retryAfterMs: retryAfterFromHeaders(bag) ?? details.retryAfterMs,
      retryable: shouldRetryFromHeaders(bag) ?? details.retryable,
    });
  }

  private timeoutError(detail: string): GatewayError {
    return new GatewayError({
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      message: `Upstream ${this.options.provider} ${detail}.`,
      provider: this.options.provider,
      retryable: true,
    });
  }

  private connectionError(error: unknown): GatewayError {
    const code = errorCode(error);
    return upstreamError({
      provider: this.options.provider,
      message: `connection failed${code ? ` (${code})` : ''}`,
    });
  }

  /** The body broke after a 2xx status: the stream was cut, whatever had arrived. */
  private brokenStreamError(error: unknown): GatewayError {
    const code = errorCode(error);
    return streamCutError(this.options.provider, `connection broke${code ? ` (${code})` : ''}`);
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/** A 2xx body that is not JSON is an unreadable upstream answer (retryable 502). */
function parseJsonBody(provider: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badResponse(provider, 'the body is not JSON');
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
