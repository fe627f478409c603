import { DefaultTokenCounter, InMemorySummaryCache, SUMMARY_PREFIX } from '@app/context';
import {
  GatewayError,
  createRequestContext,
  type ChatRequest,
  type ChatResponse,
  type ContextOptions,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import { PromptRegistry } from '@app/templates';
import { DEFAULT_BREAKER, DEFAULT_CONTEXT, DEFAULT_RETRY } from '../config';
import type { ResolvedRoute, RouteTarget } from '../routing/router';
import { ContextStep } from './context-step';

const target: RouteTarget = {
  deployment: { name: 'mini', provider: 'p', model: 'gpt-4o-mini', breaker: DEFAULT_BREAKER },
  providerType: 'openai',
  limits: { contextWindow: 600, maxOutputTokens: 100 },
};

function route(context?: ContextOptions): ResolvedRoute {
  return { name: 'chat', kind: 'route', targets: [target], retry: DEFAULT_RETRY, context };
}

function turns(count: number): ChatRequest['messages'] {
  return Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `Turn ${i}: the order ${1000 + i} was discussed at some length with the agent today.`,
  }));
}

/** Records the summary requests it gets and answers each with a short summary. */
class SummaryLlm implements Pick<LlmClient, 'complete'> {
  readonly calls: { request: ChatRequest; context: RequestContext }[] = [];

  complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    this.calls.push({ request, context });
    return Promise.resolve({
      model: request.model,
      message: { role: 'assistant', content: `summary ${this.calls.length}` },
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    });
  }
}

describe('ContextStep', () => {
  const prompts = PromptRegistry.load({ dir: 'prompts' });
  let llm: SummaryLlm;
  let step: ContextStep;
  let context: RequestContext;
  const signal = new AbortController().signal;

  beforeEach(() => {
    llm = new SummaryLlm();
    step = new ContextStep(llm, prompts, new DefaultTokenCounter(), new InMemorySummaryCache());
    context = createRequestContext({ requestId: 'req-1' });
  });

  afterAll(() => prompts.close());

  it('hands back the same request, synchronously, when it fits or the window is unknown', () => {
    const request: ChatRequest = { model: 'gpt-4o-mini', messages: turns(2) };
    expect(step.fit(request, route(), target, context, signal)).toBe(request);
    const unknown: RouteTarget = { deployment: target.deployment, providerType: 'openai' };
    const big = { model: 'gpt-4o-mini', messages: turns(200) };
    expect(step.fit(big, route(), unknown, context, signal)).toBe(big);
    expect(context.meta.context).toBeUndefined();
  });

  it('rejects by default, with the counts, when a route sets no policy', async () => {
    const request: ChatRequest = { model: 'gpt-4o-mini', messages: turns(40) };
    const error = await Promise.resolve()
      .then(() => step.fit(request, route(), target, context, signal))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it("uses the route's policy, else the caller's default; a forced one wins over both", async () => {
    const request: ChatRequest = { model: 'gpt-4o-mini', messages: turns(40) };
    const truncate = { ...DEFAULT_CONTEXT, policy: 'truncate' as const, reserveOutputTokens: 100 };
    const fitted = await step.fit(request, route(truncate), target, context, signal);
    expect(fitted.messages.length).toBeLessThan(request.messages.length);
    expect(context.meta.context).toMatchObject({ policy: 'truncate', applied: true, window: 600 });

    context.contextOptions = { options: truncate };
    await expect(
      Promise.resolve(step.fit(request, route(), target, context, signal)),
    ).resolves.toMatchObject({ model: 'gpt-4o-mini' });

    context.contextOptions = { options: { ...truncate, policy: 'reject' }, force: true };
    await expect(
      Promise.resolve().then(() => step.fit(request, route(truncate), target, context, signal)),
    ).rejects.toMatchObject({ code: 'context_length_exceeded' });
  });

  it('summarises through the summarizeWith route with the summary prompt, as a child request whose own input is only truncated', async () => {
    const summarize: ContextOptions = {
      ...DEFAULT_CONTEXT,
      policy: 'summarize',
      summarizeWith: 'cheap',
      reserveOutputTokens: 100,
    };
    const request: ChatRequest = { model: 'gpt-4o-mini', messages: turns(40) };
    const fitted = await step.fit(request, route(summarize), target, context, signal);
    expect(llm.calls.length).toBeGreaterThanOrEqual(1);
    const call = llm.calls[0];
    expect(call.request.model).toBe('cheap');
    expect(call.request.messages[0].role).toBe('system');
    expect(JSON.stringify(call.request.messages)).toContain('order 1000');
    expect(call.context.requestId).toBe('req-1:summary-1');
    expect(call.context.contextOptions).toMatchObject({
      force: true,
      options: { policy: 'truncate' },
    });
    const summary = fitted.messages.find(
      (m) => typeof m.content === 'string' && m.content.startsWith(SUMMARY_PREFIX),
    );
    expect(summary?.content).toContain('summary');
    expect(fitted.messages[fitted.messages.length - 1]).toEqual(
      request.messages[request.messages.length - 1],
    );
    expect(context.meta.context).toMatchObject({ policy: 'summarize', applied: true });
    expect(context.meta.context?.turnsSummarized).toBeGreaterThan(0);
  });
});
