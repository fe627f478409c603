import type { FinishReason } from './chat';
import type { QualityReport } from './quality';
import type { RequestTrace } from './trace';
import type { Usage } from './usage';

export interface TenantRef {
  id: string;
  keyId?: string;
}

/** One upstream attempt of a request, as the gateway saw it. */
export interface AttemptRecord {
  deployment: string;
  provider: string;
  /** first try, retry on the same target, fallback to the next, or a hedge beside another attempt */
  kind: 'first' | 'retry' | 'fallback' | 'hedge';
  /** answered; failed; cancelled with the request; or aborted because another attempt won */
  outcome: 'ok' | 'failed' | 'cancelled' | 'lost';
  /** the error code of a failed attempt */
  code?: string;
  /** epoch milliseconds when it started (its bulkhead wait included) */
  startedAt: number;
  /** milliseconds from its start to its end */
  ms: number;
  /**
   * The tokens it consumed: what the upstream reported, else counted by the gateway and flagged
   * `estimated` (a cut or cancelled stream, a hedge aborted in flight, a provider without usage).
   * Absent when it consumed nothing (refused before or without processing the request).
   */
  usage?: Usage;
  /** the price of `usage` at the deployment's prices, in billionths of a US dollar (integer) */
  costNanoUsd?: number;
  /** the finish reason of its answer */
  finishReason?: FinishReason;
}

/** How a request that does not fit a deployment's context window is made to fit. */
export type ContextPolicyName =
  'reject' | 'truncate' | 'middle-out' | 'summarize' | 'map-reduce' | 'retrieve';

/** How a request that does not fit a deployment's context window is made to fit (a route's `context`). */
export interface ContextOptions {
  policy: ContextPolicyName;
  /** output tokens kept free when the request sets no max_tokens */
  reserveOutputTokens: number;
  /** summarize / map-reduce: the route the summaries are made with (default: the route itself) */
  summarizeWith?: string;
  /** summarize / map-reduce: the prompt template that makes a summary */
  summaryPrompt: string;
  /** map-reduce / retrieve: chunk size and overlap, in tokens */
  chunkTokens: number;
  overlapTokens: number;
  /** map-reduce: chunks summarised at once */
  concurrency: number;
}

/** What the context-window step did to the request the answering attempt sent. */
export interface ContextReport {
  policy: ContextPolicyName;
  /** whether the messages were changed */
  applied: boolean;
  /** input tokens before and after (counted exactly for OpenAI models, estimated otherwise) */
  tokensBefore: number;
  tokensAfter: number;
  /** the deployment's window and the output tokens kept free in it */
  window: number;
  reservedOutput: number;
  turnsDropped: number;
  turnsSummarized: number;
  /** map-reduce / retrieve: chunks the document was split into */
  chunks?: number;
  /** summarize: the summary came from the cache */
  summaryCached?: boolean;
}

/** The prompt template a request was rendered from. */
export interface PromptRef {
  name: string;
  version: number;
  /** sha256 of the version file */
  hash: string;
  label?: string;
}

/** What happened while serving a request; filled in by the gateway, read for headers and logs. */
export interface ResponseMeta {
  route?: string;
  deployment?: string;
  provider?: string;
  /** upstream attempts made (1 when the first one answered) */
  attempts: number;
  /** each attempt, in start order (hedges overlap the attempt they hedge) */
  attemptLog?: AttemptRecord[];
  /** the answer came from a target after the route's first */
  fallback?: boolean;
  /** a hedge was started */
  hedged?: boolean;
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
  /** the context-window step, when the deployment's window is known */
  context?: ContextReport;
  /** the prompt template the request came from */
  prompt?: PromptRef;
  /** the finish reason of the answer */
  finishReason?: FinishReason;
  /**
   * Upstream attempts made on this request's behalf outside its own route (the summaries of the
   * context step): billed to it, not counted in `attempts`.
   */
  subAttempts?: AttemptRecord[];
  /** the output checks of the answer (empty, truncated, refusal, JSON schema) */
  quality?: QualityReport;
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
  /**
   * The context-window options for a route that sets none (conversations: summarize); with
   * `force`, also over the route's own (the summaries themselves are only ever truncated).
   */
  contextOptions?: { options: ContextOptions; force?: boolean };
  /** the request's trace, when tracing is on: each upstream attempt gets a child span */
  trace?: RequestTrace;
  /** W3C traceparent to send upstream with the current attempt (its span), when tracing is on */
  traceparent?: string;
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
