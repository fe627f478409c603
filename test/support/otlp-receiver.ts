import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OTLP/HTTP trace receiver (what a collector listens on at :4318): accepts
 * `POST /v1/traces` with OTLP JSON bodies (what `@opentelemetry/exporter-trace-otlp-http` sends)
 * and keeps the spans, flattened.
 */

/** A span as the tests compare it, whichever way it was exported. */
export interface SimpleSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
  /** 0 unset, 1 ok, 2 error */
  statusCode: number;
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** base URL, as in `OTEL_EXPORTER_OTLP_ENDPOINT` */
  url: string;
  /** the traces URL, as in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` */
  tracesUrl: string;
  spans: SimpleSpan[];
  /** every request body as received, for greps */
  rawBodies: string[];
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

const KINDS: SimpleSpan['kind'][] = [
  'internal',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: SimpleSpan[] = [];
  const rawBodies: string[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf-8');
      requests.push({ path: req.url ?? '', headers: req.headers });
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      rawBodies.push(body);
      spans.push(...decodeOtlpJson(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    rawBodies,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- OTLP JSON (ExportTraceServiceRequest) ------------------------------------------------------

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  events?: { name: string; timeUnixNano: string | number; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

export function decodeOtlpJson(body: string): SimpleSpan[] {
  const request = JSON.parse(body) as OtlpRequest;
  const out: SimpleSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const simple: SimpleSpan = {
          traceId: span.traceId,
          spanId: span.spanId,
          name: span.name,
          kind: KINDS[span.kind] ?? 'internal',
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            timeMs: nanosToMs(event.timeUnixNano),
            attributes: attributesOf(event.attributes),
          })),
          statusCode: span.status?.code ?? 0,
          resource,
        };
        if (span.parentSpanId) simple.parentSpanId = span.parentSpanId;
        out.push(simple);
      }
    }
  }
  return out;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = valueOf(value);
  return out;
}

function valueOf(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function nanosToMs(nanos: string | number): number {
  return Number(BigInt(nanos) / 1_000_000n);
}
