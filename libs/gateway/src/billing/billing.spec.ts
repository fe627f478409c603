import { concat, NEVER, Observable, of, throwError } from 'rxjs';
import { DefaultTokenCounter } from '@app/context';
import {
  costNanoUsd,
  createRequestContext,
  makeUsage,
  requestBill,
  upstreamError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import {
  DEFAULT_BREAKER,
  DEFAULT_CONVERSATIONS,
  DEFAULT_PROMPTS,
  DEFAULT_RETRY,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
  DEFAULT_STORAGE,
} from '../config/config.defaults';
import type { GatewayConfig, PricingConfig } from '../config/config.types';
import { GatewayClient } from '../client/gateway-client';
import { createResilienceRegistry } from '../gateway.module';
import { Router } from '../routing/router';

/** A provider client whose calls are scripted one by one. */
class Scripted implements LlmClient {
  readonly completions: (() => Promise<ChatResponse>)[] = [];
  readonly streams: Observable<ChatChunk>[] = [];
  complete(): Promise<ChatResponse> {
    const next = this.completions.shift();
    return next ? next() : Promise.reject(new Error('unscripted'));
  }
  stream(): Observable<ChatChunk> {
    return this.streams.shift() ?? throwError(() => new Error('unscripted'));
  }
}

const PRICE_A: PricingConfig = {
  inputPerMTok: 0.15,
  cachedInputPerMTok: 0.075,
  cacheWritePerMTok: 0.15,
  outputPerMTok: 0.6,
};
const PRICE_B: PricingConfig = {
  inputPerMTok: 2.5,
  cachedInputPerMTok: 1.25,
  cacheWritePerMTok: 2.5,
  outputPerMTok: 10,
};

function config(hedgeMs?: number): GatewayConfig {
  return {
    source: 'test',
    server: { ...DEFAULT_SERVER, allowDirectDeployments: false },
    auth: { allowAnonymous: true, apiKeys: [] },
    providers: [],
    deployments: [
      {
        name: 'a',
        provider: 'p1',
        model: 'gpt-4o-mini',
        breaker: DEFAULT_BREAKER,
        pricing: PRICE_A,
      },
      { name: 'b', provider: 'p2', model: 'gpt-4o', breaker: DEFAULT_BREAKER, pricing: PRICE_B },
      { name: 'free', provider: 'p2', model: 'local-llm', breaker: DEFAULT_BREAKER },
    ],
    routes: [
      {
        name: 'chain',
        targets: ['a', 'b'],
        retry: { ...DEFAULT_RETRY, maxAttempts: 1, baseDelayMs: 0 },
        ...(hedgeMs === undefined ? {} : { hedge: { afterMs: hedgeMs, minMs: 0, maxMs: 1000 } }),
      },
      { name: 'unpriced', targets: ['free'], retry: DEFAULT_RETRY },
    ],
    resilience: { breaker: DEFAULT_BREAKER, retryBudget: { ...DEFAULT_RETRY_BUDGET, ratio: 1 } },
    prompts: DEFAULT_PROMPTS,
    conversations: DEFAULT_CONVERSATIONS,
    storage: DEFAULT_STORAGE,
    tenants: [],
  };
}

const counter = new DefaultTokenCounter();
const request: ChatRequest = {
  model: 'chain',
  messages: [{ role: 'user', content: 'Count the tokens of this prompt exactly, please.' }],
};
const inputFor = (model: string) => counter.countMessages(request.messages, model);

function setup(hedgeMs?: number) {
  const p1 = new Scripted();
  const p2 = new Scripted();
  const cfg = config(hedgeMs);
  const client = new GatewayClient(
    new Router(cfg),
    new Map<string, LlmClient>([
      ['p1', p1],
      ['p2', p2],
    ]),
    createResilienceRegistry(cfg),
    () => 0,
  );
  const context: RequestContext = createRequestContext({ requestId: 'r1' });
  return { p1, p2, client, context };
}

function answer(content: string, usage = makeUsage(100, 20, { cachedInputTokens: 40 })) {
  return (): Promise<ChatResponse> =>
    Promise.resolve({
      model: 'x',
      message: { role: 'assistant', content },
      finishReason: 'stop',
      usage,
    });
}

function collect(stream: Observable<ChatChunk>): Promise<{ chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  return new Promise((resolve) =>
    stream.subscribe({
      next: (chunk) => chunks.push(chunk),
      error: (error: unknown) => resolve({ chunks, error }),
      complete: () => resolve({ chunks }),
    }),
  );
}

describe('usage and cost of every attempt', () => {
  it('bills the reported usage at the deployment prices, cached input at its own price', async () => {
    const { p1, client, context } = setup();
    p1.completions.push(answer('fine'));
    await client.complete(request, context);
    const [record] = context.meta.attemptLog ?? [];
    // 60 uncached * 0.15 + 40 cached * 0.075 + 20 out * 0.6 = 9 + 3 + 12 = 24 $/M -> 24000 nano$
    expect(record.costNanoUsd).toBe(24_000);
    expect(record.finishReason).toBe('stop');
    expect(requestBill(context.meta)).toEqual({
      usage: makeUsage(100, 20, { cachedInputTokens: 40 }),
      costNanoUsd: 24_000,
      priced: true,
      estimated: false,
      attempts: 1,
    });
  });

  it('bills nothing for an attempt the upstream refused, and the fallback in full', async () => {
    const { p1, p2, client, context } = setup();
    p1.completions.push(() =>
      Promise.reject(upstreamError({ provider: 'p1', status: 503, message: 'busy' })),
    );
    p2.completions.push(answer('from b', makeUsage(10, 5)));
    await client.complete(request, context);
    expect(context.meta.attemptLog?.map((r) => r.usage)).toEqual([undefined, makeUsage(10, 5)]);
    expect(requestBill(context.meta)?.costNanoUsd).toBe(10 * 2_500 + 5 * 10_000);
  });

  it('counts a response without usage with the target model tokenizer, flagged estimated', async () => {
    const { p1, client, context } = setup();
    p1.completions.push(answer('Four tokens right here', makeUsage(0, 0, { estimated: true })));
    await client.complete(request, context);
    const usage = context.meta.attemptLog?.[0].usage;
    expect(usage).toEqual(
      makeUsage(
        inputFor('gpt-4o-mini'),
        counter.countText('Four tokens right here', 'gpt-4o-mini'),
        {
          estimated: true,
        },
      ),
    );
  });

  it('bills a hedge that lost while in flight its counted prompt, estimated', async () => {
    const { p1, p2, client, context } = setup(20);
    p1.completions.push(() => new Promise<ChatResponse>(() => undefined));
    p2.completions.push(answer('hedge won', makeUsage(10, 5)));
    await client.complete(request, context);
    const [first, hedge] = context.meta.attemptLog ?? [];
    expect(first.outcome).toBe('lost');
    expect(first.usage).toEqual(makeUsage(inputFor('gpt-4o-mini'), 0, { estimated: true }));
    expect(hedge.usage).toEqual(makeUsage(10, 5));
    const bill = requestBill(context.meta);
    expect(bill?.estimated).toBe(true);
    expect(bill?.costNanoUsd).toBe(
      costNanoUsd(first.usage ?? makeUsage(0, 0), PRICE_A) + 10 * 2_500 + 5 * 10_000,
    );
  });

  it('counts a stream cut after some text: prompt and the text received, estimated', async () => {
    const { p1, client, context } = setup();
    const cut = upstreamError({ provider: 'p1', status: 502, message: 'cut' });
    p1.streams.push(
      concat(
        of<ChatChunk[]>({ delta: { role: 'assistant' } }, { delta: { content: 'Half an ans' } }),
        throwError(() => cut),
      ),
    );
    const result = await collect(client.stream(request, context));
    expect(result.error).toBe(cut);
    const usage = context.meta.attemptLog?.[0].usage;
    expect(usage).toEqual(
      makeUsage(inputFor('gpt-4o-mini'), counter.countText('Half an ans', 'gpt-4o-mini'), {
        estimated: true,
      }),
    );
    expect(context.meta.attemptLog?.[0].costNanoUsd).toBe(costNanoUsd(usage!, PRICE_A));
  });

  it('bills a failed attempt that streamed and the fallback that answered', async () => {
    const { p1, p2, client, context } = setup();
    p1.streams.push(
      concat(
        of<ChatChunk[]>({ delta: { role: 'assistant' } }),
        throwError(() => upstreamError({ provider: 'p1', status: 529, message: 'overloaded' })),
      ),
    );
    p2.streams.push(
      of<ChatChunk[]>(
        { delta: { content: 'ok' } },
        { finishReason: 'stop' },
        { usage: makeUsage(12, 1) },
      ),
    );
    const result = await collect(client.stream(request, context));
    expect(result.error).toBeUndefined();
    const [failed, answered] = context.meta.attemptLog ?? [];
    expect(failed.usage).toEqual(makeUsage(inputFor('gpt-4o-mini'), 0, { estimated: true }));
    expect(answered.usage).toEqual(makeUsage(12, 1));
    expect(answered.finishReason).toBe('stop');
    expect(requestBill(context.meta)?.usage.inputTokens).toBe(inputFor('gpt-4o-mini') + 12);
  });

  it('has the cost of the answer billed when its usage chunk passes (before the stream ends)', async () => {
    const { p1, client, context } = setup();
    p1.streams.push(
      concat(of<ChatChunk[]>({ delta: { content: 'ok' } }, { usage: makeUsage(100, 20) }), NEVER),
    );
    let costAtUsage: number | undefined;
    client.stream(request, context).subscribe((chunk) => {
      if (chunk.usage) costAtUsage = requestBill(context.meta)?.costNanoUsd;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(costAtUsage).toBe(100 * 150 + 20 * 600);
  });

  it('counts a stream the caller cancelled, from what the gateway received', async () => {
    const { p1, client, context } = setup();
    p1.streams.push(concat(of<ChatChunk[]>({ delta: { content: 'Partial reply' } }), NEVER));
    const subscription = client.stream(request, context).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    const [record] = context.meta.attemptLog ?? [];
    expect(record.outcome).toBe('cancelled');
    expect(record.usage).toEqual(
      makeUsage(inputFor('gpt-4o-mini'), counter.countText('Partial reply', 'gpt-4o-mini'), {
        estimated: true,
      }),
    );
  });

  it('leaves an unpriced deployment without a cost, and says the bill is not fully priced', async () => {
    const { p2, client, context } = setup();
    p2.completions.push(answer('free', makeUsage(3, 4)));
    await client.complete({ ...request, model: 'unpriced' }, context);
    expect(context.meta.attemptLog?.[0].costNanoUsd).toBeUndefined();
    expect(requestBill(context.meta)).toMatchObject({ priced: false, costNanoUsd: 0 });
  });
});
