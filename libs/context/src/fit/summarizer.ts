import type { Message } from '@app/core';

export interface SummarizeInput {
  /** the summary of the turns before `messages`, to extend */
  previousSummary?: string;
  /** the turns to fold into the summary, oldest first */
  messages: Message[];
  /** the summary should stay under this many tokens (longer ones are cut) */
  maxTokens: number;
}

/** Summarises conversation turns (the gateway calls a cheaper route for this). */
export interface Summarizer {
  summarize(input: SummarizeInput, signal?: AbortSignal): Promise<string>;
}

export interface ChunkContext {
  /** the question the document should answer, when there is one */
  question?: string;
  index: number;
  total: number;
  /** 1 for the document's chunks, 2+ when summaries are reduced again */
  round: number;
  /** the summary should stay under this many tokens */
  maxTokens: number;
}

/** Summarises one chunk of a long document (map-reduce). */
export interface ChunkSummarizer {
  summarizeChunk(text: string, context: ChunkContext, signal?: AbortSignal): Promise<string>;
}
