import {
  ContextFitter,
  DefaultTokenCounter,
  InMemorySummaryCache,
  resolveBudget,
  type ContextFitOptions,
  type SummaryCache,
  type TokenCounter,
} from '@app/context';
import type { ChatRequest, ContextOptions, LlmClient, RequestContext } from '@app/core';
import type { PromptRegistry } from '@app/templates';
import type { ResolvedRoute, RouteTarget } from '../routing/router';
import { TemplateSummarizer } from './template-summarizer';

/** A route without `context` (and a caller without its own default) rejects what cannot fit. */
const REJECT: ContextFitOptions = { policy: 'reject' };

/**
 * The context-window step before each attempt (so a fallback to a smaller model is handled): counts
 * the prompt for the target's model; when prompt + reserved output exceed the target's window, the
 * route's policy makes it fit (or refuses with 400 `context_length_exceeded`). Requests that fit,
 * and targets whose window is unknown, pass through after one (cached) count, or none.
 */
export class ContextStep {
  private readonly plainFitter: ContextFitter;

  constructor(
    private readonly llm: Pick<LlmClient, 'complete'>,
    private readonly prompts: PromptRegistry | undefined,
    private readonly counter: TokenCounter = new DefaultTokenCounter(),
    private readonly summaries: SummaryCache = new InMemorySummaryCache(),
  ) {
    this.plainFitter = new ContextFitter(counter, { summaryCache: summaries });
  }

  /**
   * The request as `target` should get it; records what was done in `context.meta.context`.
   * Synchronous when nothing needs doing (the common case), a promise when a policy runs.
   * @throws GatewayError 400 `context_length_exceeded` when the policy cannot make it fit
   */
  fit(
    request: ChatRequest,
    route: ResolvedRoute,
    target: RouteTarget,
    context: RequestContext,
    signal: AbortSignal,
  ): ChatRequest | Promise<ChatRequest> {
    const limits = target.limits;
    if (limits === undefined) return request;
    const options = this.optionsFor(route, context);
    const fitOptions = options === undefined ? REJECT : toFitOptions(options);
    const fitTarget = {
      model: target.deployment.model,
      contextWindow: limits.contextWindow,
      maxOutputTokens: limits.maxOutputTokens,
    };
    // the common case: it fits; one cached count, no fitter
    const budget = resolveBudget(fitTarget, fitOptions, request.maxTokens);
    const tokens = this.counter.countMessages(request.messages, fitTarget.model, request.tools);
    if (tokens <= budget.input) return request;
    const fitter =
      options === undefined || this.prompts === undefined
        ? this.plainFitter
        : this.fitterFor(route, options, context);
    return fitter
      .fit({
        messages: request.messages,
        tools: request.tools,
        maxTokens: request.maxTokens,
        target: fitTarget,
        options: fitOptions,
        signal,
      })
      .then((result) => {
        context.meta.context = result.report;
        return result.report.applied ? { ...request, messages: result.messages } : request;
      });
  }

  /** The route's options; a caller's default where the route has none; a forced one over both. */
  private optionsFor(route: ResolvedRoute, context: RequestContext): ContextOptions | undefined {
    const fromCaller = context.contextOptions;
    if (fromCaller?.force) return fromCaller.options;
    return route.context ?? fromCaller?.options;
  }

  /** A fitter whose summaries are made through the gateway for this request. */
  private fitterFor(
    route: ResolvedRoute,
    options: ContextOptions,
    context: RequestContext,
  ): ContextFitter {
    if (options.policy !== 'summarize' && options.policy !== 'map-reduce') return this.plainFitter;
    const summarizer = new TemplateSummarizer(
      this.llm,
      this.prompts as PromptRegistry,
      options.summarizeWith ?? route.name,
      options,
      context,
    );
    return new ContextFitter(this.counter, {
      summarizer,
      chunkSummarizer: summarizer,
      summaryCache: this.summaries,
    });
  }
}

function toFitOptions(options: ContextOptions): ContextFitOptions {
  return {
    policy: options.policy,
    reserveOutputTokens: options.reserveOutputTokens,
    chunkTokens: options.chunkTokens,
    overlapTokens: options.overlapTokens,
    concurrency: options.concurrency,
  };
}
