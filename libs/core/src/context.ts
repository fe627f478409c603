import type { Usage } from './usage';

export interface TenantRef {
  id: string;
  keyId?: string;
}

/** What happened while serving a request; filled in by the gateway, read for headers and logs. */
export interface ResponseMeta {
  route?: string;
  deployment?: string;
  provider?: string;
  /** upstream attempts made (1 when the first one answered) */
  attempts: number;
  /** milliseconds spent waiting on upstreams */
  upstreamMs: number;
  /** milliseconds from request start to the first streamed content */
  ttftMs?: number;
  /** usage of the answer the caller received */
  usage?: Usage;
  /** how a stream ended: finished, cut by the upstream, cancelled by the caller, or failed */
  streamOutcome?: 'completed' | 'cut' | 'cancelled' | 'error';
  /** the error code, when the request failed */
  errorCode?: string;
}

/** Per-request context passed alongside every ChatRequest. */
export interface RequestContext {
  requestId: string;
  /** epoch milliseconds after which the request must be abandoned */
  deadline?: number;
  /** aborted when the caller goes away or the deadline passes: every upstream call must honour it */
  signal: AbortSignal;
  tenant?: TenantRef;
  /** epoch milliseconds when the gateway received the request */
  startedAt: number;
  meta: ResponseMeta;
}

export function createRequestContext(
  init: Pick<RequestContext, 'requestId'> & Partial<Omit<RequestContext, 'requestId' | 'meta'>>,
): RequestContext {
  return {
    startedAt: Date.now(),
    ...init,
    // a signal costs an EventTarget: make one only when the caller brought none
    signal: init.signal ?? new AbortController().signal,
    meta: { attempts: 0, upstreamMs: 0 },
  };
}
