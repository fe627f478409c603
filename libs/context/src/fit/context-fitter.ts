import { GatewayError } from '@app/core';
import type { TokenCounter } from '../tokenizer/token-counter';
import { resolveBudget } from './budget';
import { contextTooLong, throwIfAborted } from './fit-errors';
import { CONTEXT_POLICIES, type FitRequest, type FitResult } from './fit-types';
import { dropMiddle } from './policies/middle-out';
import { MapReducePolicy } from './policies/map-reduce';
import { retrieveRelevant } from './policies/retrieve';
import { SummarizePolicy } from './policies/summarize';
import { truncateOldest } from './policies/truncate';
import type { PolicyContext, PolicyOutcome } from './policy-context';
import { InMemorySummaryCache, type SummaryCache } from './summary-cache';
import type { ChunkSummarizer, Summarizer } from './summarizer';

export interface ContextFitterDeps {
  /** needed by the `summarize` policy */
  summarizer?: Summarizer;
  /** needed by the `map-reduce` policy */
  chunkSummarizer?: ChunkSummarizer;
  /** where conversation summaries are kept (default: an in-memory LRU) */
  summaryCache?: SummaryCache;
}

/**
 * Fits a request into the target deployment's context window (DESIGN.md §5.5): counts the prompt,
 * and when prompt + reserved output exceed the window, applies the route's policy. Requests that
 * fit come back unchanged after one (cached) count.
 */
export class ContextFitter {
  private readonly summarize?: SummarizePolicy;
  private readonly mapReduce?: MapReducePolicy;

  constructor(
    private readonly counter: TokenCounter,
    deps: ContextFitterDeps = {},
  ) {
    if (deps.summarizer) {
      this.summarize = new SummarizePolicy(
        deps.summarizer,
        deps.summaryCache ?? new InMemorySummaryCache(),
      );
    }
    if (deps.chunkSummarizer) this.mapReduce = new MapReducePolicy(deps.chunkSummarizer);
  }

  async fit(request: FitRequest): Promise<FitResult> {
    const { target, options, messages, tools } = request;
    if (!CONTEXT_POLICIES.includes(options.policy)) {
      throw GatewayError.internal(`Unknown context policy '${String(options.policy)}'.`);
    }
    const budget = resolveBudget(target, options, request.maxTokens);
    throwIfAborted(request.signal);
    const tokensBefore = this.counter.countMessages(messages, target.model, tools);
    const report = {
      policy: options.policy,
      applied: false,
      tokensBefore,
      tokensAfter: tokensBefore,
      window: budget.window,
      reservedOutput: budget.reservedOutput,
      exact: this.counter.isExact(target.model),
      turnsDropped: 0,
      turnsSummarized: 0,
    };
    if (tokensBefore <= budget.input) return { messages: messages.slice(), report };

    const context: PolicyContext = {
      messages,
      tools,
      model: target.model,
      counter: this.counter,
      budget,
      options,
      tokensBefore,
      signal: request.signal,
    };
    const outcome = await this.applyPolicy(context);
    const { messages: fitted, ...details } = outcome;
    const tokensAfter = this.counter.countMessages(fitted, target.model, tools);
    return { messages: fitted, report: { ...report, ...details, applied: true, tokensAfter } };
  }

  private async applyPolicy(context: PolicyContext): Promise<PolicyOutcome> {
    switch (context.options.policy) {
      case 'reject':
        throw contextTooLong(context.tokensBefore, context.budget);
      case 'truncate':
        return truncateOldest(context);
      case 'middle-out':
        return dropMiddle(context);
      case 'retrieve':
        return retrieveRelevant(context);
      case 'summarize':
        if (!this.summarize) throw missing('summarize', 'Summarizer');
        return this.summarize.apply(context);
      case 'map-reduce':
        if (!this.mapReduce) throw missing('map-reduce', 'ChunkSummarizer');
        return this.mapReduce.apply(context);
    }
  }
}

function missing(policy: string, dependency: string): GatewayError {
  return GatewayError.internal(`The '${policy}' context policy needs a ${dependency}.`);
}
