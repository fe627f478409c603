export { BoundedLru, type BoundedLruLimits } from './tokenizer/bounded-lru';
export {
  IMAGE_TOKENS_HIGH,
  IMAGE_TOKENS_LOW,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  TOKENS_PER_TOOL_CALL,
} from './tokenizer/chat-framing';
export { estimateTokens } from './tokenizer/estimator';
export {
  encodingForModel,
  normalizeModelName,
  type BpeEncodingName,
} from './tokenizer/model-encoding';
export {
  DEFAULT_COUNT_CACHE,
  DefaultTokenCounter,
  type CountTextOptions,
  type TokenCounter,
  type TokenCounterOptions,
} from './tokenizer/token-counter';
export { formatToolDefinitions } from './tokenizer/tool-definitions';
export { splitIntoChunks, type ChunkingOptions, type TextChunk } from './text/split-text';
export { bm25Scores, type Bm25Options } from './retrieval/bm25';
export { terms as bm25Terms } from './retrieval/terms';
export { DEFAULT_RESERVE_OUTPUT_TOKENS, resolveBudget, type FitBudget } from './fit/budget';
export { ContextFitter, type ContextFitterDeps } from './fit/context-fitter';
export {
  CONTEXT_POLICIES,
  type ContextFitOptions,
  type ContextPolicy,
  type ContextReport,
  type ContextTarget,
  type FitRequest,
  type FitResult,
} from './fit/fit-types';
export { OMISSION_MARKER } from './fit/policies/retrieve';
export { SUMMARY_PREFIX } from './fit/policies/summarize';
export { CONTEXT_REPORT_HEADER, formatContextReport } from './fit/report-header';
export { InMemorySummaryCache, SummaryCache } from './fit/summary-cache';
export type { ChunkContext, ChunkSummarizer, SummarizeInput, Summarizer } from './fit/summarizer';
