import type {
  ContextPolicyName,
  ContextReport as CoreContextReport,
  Message,
  ToolDefinition,
} from '@app/core';

export const CONTEXT_POLICIES: readonly ContextPolicyName[] = [
  'reject',
  'truncate',
  'middle-out',
  'summarize',
  'map-reduce',
  'retrieve',
];

/** What to do when a request does not fit the target's context window. */
export type ContextPolicy = ContextPolicyName;

/** The deployment the request is about to be sent to. */
export interface ContextTarget {
  /** the provider's model name (decides the tokenizer) */
  model: string;
  contextWindow: number;
  maxOutputTokens: number;
}

/** A route's context settings. */
export interface ContextFitOptions {
  policy: ContextPolicy;
  /** output tokens to leave room for when the request sets no max_tokens (default 1024) */
  reserveOutputTokens?: number;
  /** map-reduce, retrieve: tokens per chunk of the document (default 2000) */
  chunkTokens?: number;
  /** map-reduce, retrieve: tokens shared by consecutive chunks (default 100) */
  overlapTokens?: number;
  /** map-reduce: chunk summaries in flight at once (default 4) */
  concurrency?: number;
  /** summarize: longest summary kept, in tokens (default 1024; less when the window is small) */
  maxSummaryTokens?: number;
}

export interface FitRequest {
  messages: readonly Message[];
  tools?: readonly ToolDefinition[];
  /** the request's max_tokens, when the caller set one */
  maxTokens?: number;
  target: ContextTarget;
  options: ContextFitOptions;
  signal?: AbortSignal;
}

/** What the fitter did, for logs and the `x-gateway-context` header (core's, plus details). */
export interface ContextReport extends CoreContextReport {
  /** whether the counts are exact (OpenAI encodings) or estimated */
  exact: boolean;
  /** retrieve: chunks kept */
  chunksKept?: number;
}

export interface FitResult {
  messages: Message[];
  report: ContextReport;
}
