import type { Message, ToolDefinition } from '@app/core';
import type { TokenCounter } from '../tokenizer/token-counter';
import type { FitBudget } from './budget';
import type { ContextFitOptions } from './fit-types';

/** What every policy gets: the request, its budget and counting bound to the target model. */
export interface PolicyContext {
  messages: readonly Message[];
  tools?: readonly ToolDefinition[];
  model: string;
  counter: TokenCounter;
  budget: FitBudget;
  options: ContextFitOptions;
  tokensBefore: number;
  signal?: AbortSignal;
}

export interface PolicyOutcome {
  messages: Message[];
  turnsDropped: number;
  turnsSummarized: number;
  chunks?: number;
  chunksKept?: number;
  summaryCached?: boolean;
}

export function countPrompt(context: PolicyContext, messages: readonly Message[]): number {
  return context.counter.countMessages(messages, context.model, context.tools);
}
