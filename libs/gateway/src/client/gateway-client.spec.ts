import { concat, map, NEVER, Observable, of, throwError, timer, type Subscription } from 'rxjs';
import {
  createRequestContext,
  GatewayError,
  makeUsage,
  streamCutError,
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
  DEFAULT_STORAGE,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
} from '../config/config.defaults';
import type { GatewayConfig, RetryConfig } from '../config/config.types';
import { createResilienceRegistry } from '../gateway.module';
import { Router } from '../routing/router';
import { GatewayClient } from './gateway-client';

/** A provider client that answers each call with the next scripted result. */
class ScriptedProvider implements LlmClient {
  readonly requests: ChatRequest[] = [];
  /** the signal each call was given (a hedged attempt gets its own) */
  readonly signals: AbortSignal[] = [];
  private readonly completions: (() => Promise<ChatResponse>)[] = [];
  private readonly streams: Observable<ChatChunk>[] = [];

  constructor(readonly name: string) {}

  /** each result after `afterMs` of (fake) time: a response resolves, an error rejects */
  answers(...results: { result: ChatResponse | GatewayError | Error; afterMs?: number }[]) {
    for (const { result, afterMs = 0 } of results) {
      const settleWith = (resolve: (r: ChatResponse) => void, reject: (e: Error) => void) =>
        result instanceof Error ? reject(result) : resolve(result);
      this.completions.push(
        () =>
          new Promise((resolve, reject) =>
            afterMs > 0
              ? setTimeout(() => settleWith(resolve, reject), afterMs)
              : settleWith(resolve, reject),
          ),
      );
    }
    return this;
  }

  streamsWith(...streams: Observable<ChatChunk>[]) {
    this.streams.push(...streams);
    return this;
  }

  complete(request: ChatRequest, context: RequestContext): Promise<ChatResponse> {
    this.requests.push(request);
    this.signals.push(context.signal);
    const next = this.completions.shift();
    return next ? next() : Promise.reject(new Error(`${this.name}: unscripted complete`));
  }

  stream(request: ChatRequest, context: RequestContext): Observable<ChatChunk> {
    this.requests.push(request);
    this.signals.push(context.signal);
    return this.streams.shift() ?? throwError(() => new Error(`${this.name}: unscripted stream`));
  }
}

const retry: RetryConfig = {
  maxAttempts: 2,
  baseDelayMs: 0,
  maxDelayMs: 1000,
  honorRetryAfter: true,
  maxRetryAfterMs: 30_000,
  order: 'retry-first',
};

const config: GatewayConfig = {
  source: 'test',
  server: { ...DEFAULT_SERVER, allowDirectDeployments: false },
  auth: { allowAnonymous: true, apiKeys: [] },
  providers: [],
  deployments: [
    { name: 'a@p1', provider: 'p1', model: 'model-a', breaker: DEFAULT_BREAKER },
    { name: 'b@p2', provider: 'p2', model: 'model-b', breaker: DEFAULT_BREAKER },
  ],
  routes: [{ name: 'chain', targets: ['a@p1', 'b@p2'], retry }],
  resilience: { breaker: DEFAULT_BREAKER, retryBudget: DEFAULT_RETRY_BUDGET },
  prompts: DEFAULT_PROMPTS,
  conversations: DEFAULT_CONVERSATIONS,
  storage: DEFAULT_STORAGE,
  tenants: [],
};

const request: ChatRequest = { model: 'chain', messages: [{ role: 'user', content: 'Hi' }] };

const overloaded = () => upstreamError({ provider: 'p1', status: 503, message: 'busy' });
const rateLimited = (retryAfterMs: number) =>
  upstreamError({ provider: 'p1', status: 429, message: 'slow down', retryAfterMs });
const badRequest = () => upstreamError({ provider: 'p1', status: 400, message: 'bad field' });
const quota = () =>
  upstreamError({ provider: 'p1', status: 429, message: 'q', upstreamCode: 'insufficient_quota' });

function answer(model: string, content: string): ChatResponse {
  return {
    model,
    message: { role: 'assistant', content },
    finishReason: 'stop',
    usage: makeUsage(5, 1),
  };
}

const emit = (...chunks: ChatChunk[]) => of(...chunks);

const failing = (error: GatewayError, ...before: ChatChunk[]) =>
  concat(
    of(...before),
    throwError(() => error),
  );

interface Recorded {
  chunks: ChatChunk[];
  error?: unknown;
  completed: boolean;
  subscription: Subscription;
}

function record(frames: Observable<ChatChunk>): Recorded {
  const recorded = { chunks: [] as ChatChunk[], completed: false } as Recorded;
  recorded.subscription = frames.subscribe({
    next: (chunk) => recorded.chunks.push(chunk),
    error: (error: unknown) => (recorded.error = error),
    complete: () => (recorded.completed = true),
  });
  return recorded;
}

/** Lets pending promise callbacks and due timers run. */
const settle = (ms = 0) => jest.advanceTimersByTimeAsync(ms);

describe('GatewayClient', () => {
  let p1: ScriptedProvider;
  let p2: ScriptedProvider;
  let client: GatewayClient;
  let controller: AbortController;
  let context: RequestContext;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    p1 = new ScriptedProvider('p1');
    p2 = new ScriptedProvider('p2');
    client = new GatewayClient(
      new Router(config),
      new Map<string, LlmClient>([
        ['p1', p1],
        ['p2', p2],
      ]),
      createResilienceRegistry(config),
    );
    controller = new AbortController();
    context = createRequestContext({ requestId: 'req-1', signal: controller.signal });
  });
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  describe('complete', () => {
    it('sends the request to the first target with its model and records the attempt', async () => {
      const response = answer('model-a', 'Hello');
      p1.answers({ result: response, afterMs: 150 });
      const result = client.complete(request, context);
      await settle(150);
      await expect(result).resolves.toBe(response);
      expect(p1.requests).toEqual([{ ...request, model: 'model-a' }]);
      expect(context.meta).toMatchObject({
        route: 'chain',
        deployment: 'a@p1',
        provider: 'p1',
        attempts: 1,
        upstreamMs: 150,
      });
    });

    it('retries the same target, then falls back to the next one', async () => {
      p1.answers({ result: overloaded() }, { result: overloaded() });
      p2.answers({ result: answer('model-b', 'From b') });
      const result = client.complete(request, context);
      await settle();
      await expect(result).resolves.toMatchObject({ message: { content: 'From b' } });
      expect(p1.requests.map((r) => r.model)).toEqual(['model-a', 'model-a']);
      expect(p2.requests.map((r) => r.model)).toEqual(['model-b']);
      expect(context.meta).toMatchObject({ deployment: 'b@p2', provider: 'p2', attempts: 3 });
    });

    it("waits the upstream's retry hint before retrying, and counts only upstream time", async () => {
      p1.answers(
        { result: rateLimited(500), afterMs: 100 },
        { result: rateLimited(500), afterMs: 100 },
      );
      p2.answers({ result: answer('model-b', 'ok'), afterMs: 200 });
      const result = client.complete(request, context);

      await settle(100);
      expect(p1.requests).toHaveLength(1);
      await settle(499);
      expect(p1.requests).toHaveLength(1);
      await settle(1);
      expect(p1.requests).toHaveLength(2);
      await settle(100 + 200);
      await expect(result).resolves.toMatchObject({ model: 'model-b' });
      expect(context.meta.upstreamMs).toBe(400);
    });

    it('moves to the next target at once when the first is out of quota', async () => {
      p1.answers({ result: quota() });
      p2.answers({ result: answer('model-b', 'ok') });
      const result = client.complete(request, context);
      await settle();
      await expect(result).resolves.toMatchObject({ model: 'model-b' });
      expect(p1.requests).toHaveLength(1);
      expect(context.meta.attempts).toBe(2);
    });

    it('fails at once on a caller error', async () => {
      const error = badRequest();
      p1.answers({ result: error });
      const result = client.complete(request, context);
      const assertion = expect(result).rejects.toBe(error);
      await settle();
      await assertion;
      expect(p2.requests).toHaveLength(0);
      expect(context.meta.attempts).toBe(1);
    });

    it('rejects with the last failure when every attempt fails', async () => {
      const last = upstreamError({ provider: 'p2', status: 502, message: 'down' });
      p1.answers({ result: overloaded() }, { result: overloaded() });
      p2.answers({ result: overloaded() }, { result: last });
      const result = client.complete(request, context);
      const assertion = expect(result).rejects.toBe(last);
      await settle();
      await assertion;
      expect(context.meta.attempts).toBe(4);
    });

    it('turns an unexpected provider exception into a 500 without retrying', async () => {
      p1.answers({ result: new TypeError('x is undefined') });
      const result = client.complete(request, context);
      const assertion = expect(result).rejects.toMatchObject({
        status: 500,
        code: 'internal_error',
      });
      await settle();
      await assertion;
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });

    it('answers an unknown model with 404 without calling any provider', async () => {
      await expect(client.complete({ ...request, model: 'nope' }, context)).rejects.toMatchObject({
        status: 404,
        code: 'model_not_found',
      });
      expect(p1.requests).toHaveLength(0);
      expect(context.meta.attempts).toBe(0);
    });

    it('stops retrying when the context is aborted during the backoff', async () => {
      p1.answers({ result: rateLimited(500) });
      const result = client.complete(request, context);
      const assertion = expect(result).rejects.toMatchObject({ code: 'client_closed_request' });
      await settle(100);
      controller.abort();
      await settle();
      await assertion;
      await settle(1000);
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });

    it('does not call a provider for an already aborted context', async () => {
      controller.abort();
      await expect(client.complete(request, context)).rejects.toMatchObject({
        code: 'client_closed_request',
      });
      expect(p1.requests).toHaveLength(0);
    });
  });

  describe('stream', () => {
    const usage = makeUsage(5, 2);
    const good: ChatChunk[] = [
      { delta: { role: 'assistant' } },
      { delta: { content: 'Hi' } },
      { finishReason: 'stop' },
      { usage },
    ];
    /** the gateway's own first chunk: the provider's role-only chunk is replaced by it */
    const opener: ChatChunk = { delta: { role: 'assistant', content: '' } };
    const delivered: ChatChunk[] = [opener, ...good.slice(1)];

    it('is cold: no provider is called until subscribed', () => {
      const stream = client.stream(request, context);
      expect(p1.requests).toHaveLength(0);
      expect(context.meta.attempts).toBe(0);
      p1.streamsWith(of(...good));
      record(stream);
      expect(p1.requests).toEqual([{ ...request, model: 'model-a' }]);
    });

    it('passes the chunks through, records the attempt and the time to first token', async () => {
      p1.streamsWith(
        concat(
          of<ChatChunk>({ delta: { role: 'assistant' } }),
          timer(120).pipe(map((): ChatChunk => ({ delta: { content: 'Hi' } }))),
          emit({ finishReason: 'stop' }, { usage }),
        ),
      );
      const recorded = record(client.stream(request, context));
      // the opener goes out as soon as the upstream stream opens, before any content
      expect(recorded.chunks).toEqual([opener]);
      await settle(120);
      expect(recorded.chunks).toEqual(delivered);
      expect(recorded.completed).toBe(true);
      expect(context.meta).toMatchObject({
        route: 'chain',
        deployment: 'a@p1',
        provider: 'p1',
        attempts: 1,
        ttftMs: 120,
        upstreamMs: 120,
      });
    });

    it('fails over invisibly before the first content: nothing of a failed attempt leaks', async () => {
      // role-only and empty deltas are held back: they do not commit the attempt
      p1.streamsWith(
        failing(overloaded(), { delta: { role: 'assistant' } }, { delta: { content: '' } }),
        failing(overloaded(), { delta: { role: 'assistant' } }),
      );
      const fromB: ChatChunk[] = [
        { delta: { role: 'assistant' } },
        { delta: { content: 'From b' } },
        { finishReason: 'stop' },
      ];
      p2.streamsWith(of(...fromB));
      const recorded = record(client.stream(request, context));
      await settle();
      expect(recorded.error).toBeUndefined();
      expect(recorded.completed).toBe(true);
      // b reported no usage: the caller gets one counted by the gateway, flagged estimated
      const counted = { usage: makeUsage(8, 2, { estimated: true }) };
      expect(recorded.chunks).toEqual([opener, ...fromB.slice(1), counted]);
      recorded.chunks.slice(1, 3).forEach((chunk, i) => expect(chunk).toBe(fromB[i + 1]));
      expect(p1.requests).toHaveLength(2);
      expect(p2.requests.map((r) => r.model)).toEqual(['model-b']);
      expect(context.meta).toMatchObject({ deployment: 'b@p2', provider: 'p2', attempts: 3 });
    });

    it('does not fail over after content was committed: the stream errors', async () => {
      const cut = streamCutError('p1', 'connection reset');
      p1.streamsWith(failing(cut, { delta: { role: 'assistant' } }, { delta: { content: 'Hel' } }));
      p2.streamsWith(of(...good));
      const recorded = record(client.stream(request, context));
      await settle();
      expect(recorded.chunks).toEqual([opener, { delta: { content: 'Hel' } }]);
      expect(recorded.error).toBe(cut);
      expect(recorded.completed).toBe(false);
      expect(p2.requests).toHaveLength(0);
      expect(context.meta.attempts).toBe(1);
    });

    it.each<[string, ChatChunk]>([
      [
        'a tool call delta',
        { delta: { toolCalls: [{ index: 0, id: 'c', function: { name: 'f' } }] } },
      ],
      ['a refusal', { delta: { refusal: 'No.' } }],
      ['a finish reason', { finishReason: 'length' }],
      ['usage', { usage }],
    ])('commits on %s', async (_name, chunk) => {
      p1.streamsWith(failing(overloaded(), chunk));
      p2.streamsWith(of(...good));
      const recorded = record(client.stream(request, context));
      await settle();
      expect(recorded.chunks).toEqual([opener, chunk]);
      expect(recorded.error).toMatchObject({ code: 'upstream_overloaded' });
      expect(p2.requests).toHaveLength(0);
      expect(context.meta.ttftMs).toBe(0);
    });

    it('fails at once on a caller error before content', async () => {
      const error = badRequest();
      p1.streamsWith(throwError(() => error));
      const recorded = record(client.stream(request, context));
      await settle();
      expect(recorded.error).toBe(error);
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });

    it('errors with the last failure when every attempt fails, without leaking held chunks', async () => {
      const last = upstreamError({ provider: 'p2', status: 503, message: 'busy too' });
      const role: ChatChunk = { delta: { role: 'assistant' } };
      p1.streamsWith(failing(overloaded(), role), failing(overloaded(), role));
      p2.streamsWith(failing(overloaded(), role), failing(last, role));
      const recorded = record(client.stream(request, context));
      await settle();
      // only the gateway's opener: nothing of the failed attempts
      expect(recorded.chunks).toEqual([opener]);
      expect(recorded.error).toBe(last);
      expect(context.meta.attempts).toBe(4);
      expect(context.meta.ttftMs).toBeUndefined();
    });

    it('passes on held chunks of an attempt that completes without committing', async () => {
      p1.streamsWith(of<ChatChunk>({ delta: { role: 'assistant' } }));
      const recorded = record(client.stream(request, context));
      await settle();
      expect(recorded.chunks).toEqual([opener, { usage: makeUsage(8, 0, { estimated: true }) }]);
      expect(recorded.completed).toBe(true);
    });

    it('errors an unknown model with 404 on subscribe, calling no provider', () => {
      const recorded = record(client.stream({ ...request, model: 'nope' }, context));
      expect(recorded.error).toMatchObject({ status: 404, code: 'model_not_found' });
      expect(p1.requests).toHaveLength(0);
    });

    it('unsubscribing tears down the provider stream (after and before commit)', () => {
      let tornDown = 0;
      const open = (first: ChatChunk) =>
        new Observable<ChatChunk>((subscriber) => {
          subscriber.next(first);
          return () => tornDown++;
        });
      p1.streamsWith(open({ delta: { content: 'a' } }), open({ delta: { role: 'assistant' } }));

      const committed = record(client.stream(request, context));
      expect(committed.chunks).toEqual([opener, { delta: { content: 'a' } }]);
      committed.subscription.unsubscribe();
      expect(tornDown).toBe(1);

      const held = record(client.stream(request, createRequestContext({ requestId: 'r2' })));
      expect(held.chunks).toEqual([opener]);
      held.subscription.unsubscribe();
      expect(tornDown).toBe(2);
    });

    it('unsubscribing during a backoff starts no further attempt', async () => {
      p1.streamsWith(throwError(() => rateLimited(500)));
      p1.streamsWith(NEVER);
      const recorded = record(client.stream(request, context));
      await settle(100);
      recorded.subscription.unsubscribe();
      await settle(1000);
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });

    it('waits the retry hint between attempts', async () => {
      p1.streamsWith(
        throwError(() => rateLimited(500)),
        of(...good),
      );
      const recorded = record(client.stream(request, context));
      await settle(499);
      expect(p1.requests).toHaveLength(1);
      await settle(1);
      expect(p1.requests).toHaveLength(2);
      expect(recorded.chunks).toEqual(delivered);
      expect(context.meta.ttftMs).toBe(500);
    });

    it('an aborted context stops retries during the backoff', async () => {
      p1.streamsWith(
        throwError(() => rateLimited(500)),
        of(...good),
      );
      const recorded = record(client.stream(request, context));
      await settle(100);
      controller.abort();
      await settle();
      expect(recorded.error).toMatchObject({ status: 499, code: 'client_closed_request' });
      await settle(1000);
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });

    it('an aborted context stops retries after a failing attempt', async () => {
      p1.streamsWith(
        new Observable<ChatChunk>((subscriber) => {
          const onAbort = () => subscriber.error(new Error('socket hang up'));
          controller.signal.addEventListener('abort', onAbort, { once: true });
          return () => controller.signal.removeEventListener('abort', onAbort);
        }),
      );
      const recorded = record(client.stream(request, context));
      controller.abort();
      await settle();
      expect(recorded.error).toMatchObject({ code: 'client_closed_request' });
      expect(p1.requests).toHaveLength(1);
      expect(p2.requests).toHaveLength(0);
    });
  });

  it('fails over when a provider throws while starting its stream, and errors when none is left', async () => {
    const mappingError = GatewayError.invalidRequest(
      'messages[1].tool_calls[0] is not valid JSON.',
    );
    const throwing = (name: string): LlmClient => ({
      complete: () => Promise.reject(new Error(`${name}: unused`)),
      stream: (): Observable<ChatChunk> => {
        throw mappingError;
      },
    });
    const chain = {
      ...config,
      routes: [{ name: 'chain', targets: ['a@p1', 'b@p2'], retry: { ...retry, maxAttempts: 1 } }],
    };
    const p1 = new ScriptedProvider('p1').streamsWith(throwError(() => overloaded()));
    const client = new GatewayClient(
      new Router(chain),
      new Map<string, LlmClient>([
        ['p1', p1],
        ['p2', throwing('p2')],
      ]),
      createResilienceRegistry(chain),
    );
    const outcome = await new Promise<unknown>((resolve) => {
      client.stream(request, createRequestContext({ requestId: 'r' })).subscribe({
        error: resolve,
        complete: () => resolve('completed'),
      });
    });
    expect(outcome).toBe(mappingError);
  });
});

describe('GatewayClient resilience', () => {
  let p1: ScriptedProvider;
  let p2: ScriptedProvider;
  let context: RequestContext;

  const build = (overrides: Partial<GatewayConfig>) => {
    const merged: GatewayConfig = { ...config, ...overrides };
    return new GatewayClient(
      new Router(merged),
      new Map<string, LlmClient>([
        ['p1', p1],
        ['p2', p2],
      ]),
      createResilienceRegistry(merged),
      () => 0,
    );
  };
  const hedgedRoute = (afterMs: number) => ({
    routes: [
      { name: 'chain', targets: ['a@p1', 'b@p2'], retry, hedge: { afterMs, minMs: 1, maxMs: 1 } },
    ],
  });

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    p1 = new ScriptedProvider('p1');
    p2 = new ScriptedProvider('p2');
    context = createRequestContext({ requestId: 'req-1', signal: new AbortController().signal });
  });
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('logs every attempt and flags the fallback that answered', async () => {
    p1.answers({ result: overloaded() }, { result: overloaded() });
    p2.answers({ result: answer('model-b', 'ok') });
    const result = build({}).complete(request, context);
    await settle();
    await result;
    expect(context.meta.fallback).toBe(true);
    expect(context.meta.attemptLog).toEqual([
      expect.objectContaining({
        deployment: 'a@p1',
        kind: 'first',
        outcome: 'failed',
        code: 'upstream_overloaded',
      }),
      expect.objectContaining({ deployment: 'a@p1', kind: 'retry', outcome: 'failed' }),
      expect.objectContaining({
        deployment: 'b@p2',
        kind: 'fallback',
        outcome: 'ok',
        usage: makeUsage(5, 1),
      }),
    ]);
  });

  it("shortens the deadline to the route timeout, never lengthens the caller's", async () => {
    const client = build({
      routes: [{ name: 'chain', targets: ['a@p1', 'b@p2'], retry, timeoutMs: 5000 }],
    });
    p1.answers({ result: answer('model-a', 'ok') }, { result: answer('model-a', 'ok') });
    const open = createRequestContext({ requestId: 'a', startedAt: Date.now() });
    await client.complete(request, open);
    expect(open.deadline).toBe(open.startedAt + 5000);
    const tight = createRequestContext({ requestId: 'b', startedAt: Date.now() });
    tight.deadline = tight.startedAt + 1000;
    await client.complete(request, tight);
    expect(tight.deadline).toBe(tight.startedAt + 1000);
  });

  describe('hedging', () => {
    it('starts the next target when the first has not answered in time; the first answer wins', async () => {
      p1.answers({ result: answer('model-a', 'slow'), afterMs: 1000 });
      p2.answers({ result: answer('model-b', 'fast'), afterMs: 50 });
      const result = build(hedgedRoute(100)).complete(request, context);
      await settle(99);
      expect(p2.requests).toHaveLength(0);
      await settle(1);
      expect(p2.requests).toHaveLength(1);
      await settle(50);
      await expect(result).resolves.toMatchObject({ message: { content: 'fast' } });
      // the loser is aborted upstream, and both attempts are logged
      expect(p1.signals[0].aborted).toBe(true);
      expect(p2.signals[0].aborted).toBe(false);
      expect(context.meta).toMatchObject({
        hedged: true,
        fallback: true,
        deployment: 'b@p2',
        attempts: 2,
      });
      expect(context.meta.attemptLog?.map((a) => [a.kind, a.outcome])).toEqual([
        ['first', 'lost'],
        ['hedge', 'ok'],
      ]);
      expect(context.meta.upstreamMs).toBe(150);
      // the loser's answer still arrives later (the scripted provider ignores the abort): the
      // tokens it reports are kept on its log record
      await settle(1000);
      expect(context.meta.attemptLog?.[0]).toMatchObject({
        outcome: 'lost',
        usage: makeUsage(5, 1),
      });
    });

    it('starts no hedge when the first answers before the delay', async () => {
      p1.answers({ result: answer('model-a', 'quick'), afterMs: 80 });
      const result = build(hedgedRoute(100)).complete(request, context);
      await settle(200);
      await expect(result).resolves.toMatchObject({ message: { content: 'quick' } });
      expect(p2.requests).toHaveLength(0);
      expect(context.meta.hedged).toBeUndefined();
    });

    it('a failure before the hedge delay goes straight to a retry, without waiting', async () => {
      p1.answers(
        { result: overloaded(), afterMs: 10 },
        { result: answer('model-a', 'again'), afterMs: 10 },
      );
      const result = build(hedgedRoute(100)).complete(request, context);
      await settle(20);
      await expect(result).resolves.toMatchObject({ message: { content: 'again' } });
      expect(p2.requests).toHaveLength(0);
    });

    it('when the hedge fails, the first attempt still answers', async () => {
      p1.answers({ result: answer('model-a', 'late but fine'), afterMs: 300 });
      p2.answers({ result: overloaded(), afterMs: 10 });
      const result = build(hedgedRoute(100)).complete(request, context);
      await settle(300);
      await expect(result).resolves.toMatchObject({ message: { content: 'late but fine' } });
      expect(context.meta.fallback).toBe(false);
    });

    it('streams: the first attempt to send content wins, the other is unsubscribed', async () => {
      let p1Torn = false;
      p1.streamsWith(
        new Observable<ChatChunk>(() => () => {
          p1Torn = true;
        }),
      );
      p2.streamsWith(emit({ delta: { content: 'hedged' } }, { finishReason: 'stop' }));
      const recorded = record(build(hedgedRoute(100)).stream(request, context));
      await settle(100);
      expect(recorded.chunks).toEqual([
        { delta: { role: 'assistant', content: '' } },
        { delta: { content: 'hedged' } },
        { finishReason: 'stop' },
        { usage: makeUsage(8, 1, { estimated: true }) },
      ]);
      expect(recorded.completed).toBe(true);
      expect(p1Torn).toBe(true);
      expect(context.meta).toMatchObject({ hedged: true, deployment: 'b@p2' });
    });
  });

  describe('circuit breakers', () => {
    const fragile = {
      deployments: config.deployments.map((d) =>
        d.name === 'a@p1'
          ? { ...d, breaker: { ...d.breaker, consecutiveFailures: 2, coolDownMs: 1000 } }
          : d,
      ),
      routes: [{ name: 'chain', targets: ['a@p1', 'b@p2'], retry: { ...retry, maxAttempts: 1 } }],
    };

    it('opens after the configured failures, skips the deployment, and closes after a good probe', async () => {
      const client = build(fragile);
      p1.answers({ result: overloaded() }, { result: overloaded() });
      p2.answers(...Array.from({ length: 3 }, () => ({ result: answer('model-b', 'b') })));
      for (let i = 0; i < 2; i += 1) {
        const done = client.complete(request, createRequestContext({ requestId: `r${i}` }));
        await settle();
        await done;
      }
      expect(p1.requests).toHaveLength(2);
      // open: the next request goes straight to b
      const skipped = client.complete(request, createRequestContext({ requestId: 'r2' }));
      await settle();
      await skipped;
      expect(p1.requests).toHaveLength(2);
      expect(p2.requests).toHaveLength(3);
      // after the cool-down one probe reaches a; its success closes the breaker
      await settle(1000);
      p1.answers({ result: answer('model-a', 'back') }, { result: answer('model-a', 'back') });
      for (const id of ['probe', 'after']) {
        const done = client.complete(request, createRequestContext({ requestId: id }));
        await settle();
        await expect(done).resolves.toMatchObject({ message: { content: 'back' } });
      }
      expect(p1.requests).toHaveLength(4);
    });

    it('caller errors and cancellations do not count against a deployment', async () => {
      const client = build(fragile);
      p1.answers(...Array.from({ length: 3 }, () => ({ result: badRequest() })));
      for (let i = 0; i < 3; i += 1) {
        const done = client.complete(request, createRequestContext({ requestId: `r${i}` }));
        const assertion = expect(done).rejects.toMatchObject({ status: 400 });
        await settle();
        await assertion;
      }
      p1.answers({ result: answer('model-a', 'still closed') });
      const done = client.complete(request, createRequestContext({ requestId: 'ok' }));
      await settle();
      await expect(done).resolves.toMatchObject({ message: { content: 'still closed' } });
    });
  });

  it('a full provider queue moves the request to the next target with no wait', async () => {
    const client = build({
      providers: [{ ...providerEntry('p1'), maxConcurrent: 1, maxQueue: 0 }, providerEntry('p2')],
    });
    p1.answers({ result: answer('model-a', 'holding the slot'), afterMs: 500 });
    p2.answers({ result: answer('model-b', 'overflow') });
    const first = client.complete(request, createRequestContext({ requestId: 'one' }));
    const second = client.complete(request, context);
    await settle();
    await expect(second).resolves.toMatchObject({ message: { content: 'overflow' } });
    expect(context.meta.attemptLog?.[0]).toMatchObject({
      deployment: 'a@p1',
      code: 'provider_busy',
    });
    await settle(500);
    await expect(first).resolves.toMatchObject({ message: { content: 'holding the slot' } });
  });
});

function providerEntry(name: string): GatewayConfig['providers'][number] {
  return {
    name,
    type: 'openai',
    maxConcurrent: 8,
    maxQueue: 8,
    queueTimeoutMs: 1000,
    timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 1000 },
    headers: {},
  };
}
