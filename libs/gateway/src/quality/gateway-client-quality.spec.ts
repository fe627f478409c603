import { Observable, of, Subject, throwError, type Subscription } from 'rxjs';
import {
  createRequestContext,
  GatewayError,
  makeUsage,
  upstreamError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
  type LlmClient,
  type RequestContext,
} from '@app/core';
import { GatewayClient } from '../client/gateway-client';
import {
  DEFAULT_BREAKER,
  DEFAULT_CONVERSATIONS,
  DEFAULT_PROMPTS,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
  DEFAULT_STORAGE,
} from '../config/config.defaults';
import type { GatewayConfig, QualityConfig, RetryConfig } from '../config/config.types';
import { createResilienceRegistry } from '../gateway.module';
import { Router } from '../routing/router';
import { SchemaValidator } from './schema-validator';

/** A provider client that answers each call with the next scripted result. */
class ScriptedProvider implements LlmClient {
  readonly requests: ChatRequest[] = [];
  private readonly completions: (() => Promise<ChatResponse>)[] = [];
  private readonly streams: Observable<ChatChunk>[] = [];

  constructor(readonly name: string) {}

  answers(...results: (ChatResponse | GatewayError)[]) {
    for (const result of results) {
      this.completions.push(() =>
        result instanceof Error ? Promise.reject(result) : Promise.resolve(result),
      );
    }
    return this;
  }

  /** the next call waits until the request is cancelled, then fails as a cancelled call does */
  hangs(signal: AbortSignal) {
    this.completions.push(
      () =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(GatewayError.aborted())),
        ),
    );
    return this;
  }

  streamsWith(...streams: Observable<ChatChunk>[]) {
    this.streams.push(...streams);
    return this;
  }

  complete(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request);
    const next = this.completions.shift();
    return next ? next() : Promise.reject(new Error(`${this.name}: unscripted complete`));
  }

  stream(request: ChatRequest): Observable<ChatChunk> {
    this.requests.push(request);
    return this.streams.shift() ?? throwError(() => new Error(`${this.name}: unscripted stream`));
  }
}

const retry: RetryConfig = {
  maxAttempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  honorRetryAfter: true,
  maxRetryAfterMs: 30_000,
  order: 'fallback-first',
};

function configWith(routes: Record<string, QualityConfig | undefined>): GatewayConfig {
  return {
    source: 'test',
    server: { ...DEFAULT_SERVER, allowDirectDeployments: false },
    auth: { allowAnonymous: true, apiKeys: [] },
    providers: [],
    deployments: [
      { name: 'a@p1', provider: 'p1', model: 'model-a', breaker: DEFAULT_BREAKER },
      { name: 'b@p2', provider: 'p2', model: 'model-b', breaker: DEFAULT_BREAKER },
    ],
    routes: Object.entries(routes).map(([name, quality]) => ({
      name,
      targets: ['a@p1', 'b@p2'],
      retry,
      ...(quality === undefined ? {} : { quality }),
    })),
    resilience: { breaker: DEFAULT_BREAKER, retryBudget: DEFAULT_RETRY_BUDGET },
    prompts: DEFAULT_PROMPTS,
    conversations: DEFAULT_CONVERSATIONS,
    storage: DEFAULT_STORAGE,
    tenants: [],
  };
}

const config = configWith({
  // no quality: the defaults (one repair, then the error)
  strict: undefined,
  lenient: { schemaRepairs: 1, onSchemaFailure: 'flag' },
  noRepair: { schemaRepairs: 0, onSchemaFailure: 'error' },
  patient: { schemaRepairs: 2, onSchemaFailure: 'error' },
});

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

function extraction(model: string): ChatRequest {
  return {
    model,
    messages: [{ role: 'user', content: 'Ada Lovelace, 36.' }],
    responseFormat: { type: 'json_schema', jsonSchema: { name: 'person', schema: SCHEMA } },
  };
}

const INVALID = '{"name": "Ada Lovelace", "age": "thirty-six"}';
const VALID = '{"name": "Ada Lovelace", "age": 36}';

function answer(content: string | null, finishReason: FinishReason = 'stop'): ChatResponse {
  return {
    model: 'model-a',
    message: { role: 'assistant', content },
    finishReason,
    usage: makeUsage(20, 10),
  };
}

const emit = (...chunks: ChatChunk[]): Observable<ChatChunk> => of(...chunks);

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

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('GatewayClient output checks', () => {
  let p1: ScriptedProvider;
  let p2: ScriptedProvider;
  let client: GatewayClient;
  let controller: AbortController;
  let context: RequestContext;

  beforeEach(() => {
    p1 = new ScriptedProvider('p1');
    p2 = new ScriptedProvider('p2');
    client = new GatewayClient(
      new Router(config),
      new Map<string, LlmClient>([
        ['p1', p1],
        ['p2', p2],
      ]),
      createResilienceRegistry(config),
      () => 0.5,
      undefined,
      new SchemaValidator(),
    );
    controller = new AbortController();
    context = createRequestContext({ requestId: 'req-q', signal: controller.signal });
  });

  describe('complete', () => {
    it('reports a valid answer and its finish reason, with no repair', async () => {
      const valid = answer(VALID);
      p1.answers(valid);
      await expect(client.complete(extraction('strict'), context)).resolves.toBe(valid);
      expect(context.meta.quality).toEqual({ schema: 'valid' });
      expect(context.meta.finishReason).toBe('stop');
      expect(context.meta.attempts).toBe(1);
    });

    it('checks answers without a format for empty and truncated output only', async () => {
      p1.answers(answer('Once upon a', 'length'), answer(''));
      const plain: ChatRequest = { model: 'strict', messages: [{ role: 'user', content: 'Hi' }] };
      await client.complete(plain, context);
      expect(context.meta.quality).toEqual({ truncated: true });
      expect(context.meta.finishReason).toBe('length');
      const second = createRequestContext({ requestId: 'req-q2' });
      await client.complete(plain, second);
      expect(second.meta.quality).toEqual({ empty: true });
      expect(p1.requests).toHaveLength(2);
    });

    it('repairs an invalid answer along the same route, counting and logging both attempts', async () => {
      const repaired = answer(VALID);
      p1.answers(answer(INVALID), repaired);
      const request = extraction('strict');
      await expect(client.complete(request, context)).resolves.toBe(repaired);
      expect(context.meta.quality).toEqual({ schema: 'repaired', repairs: 1 });
      expect(context.meta).toMatchObject({ attempts: 2, deployment: 'a@p1', finishReason: 'stop' });
      expect(context.meta.attemptLog?.map((a) => [a.deployment, a.outcome])).toEqual([
        ['a@p1', 'ok'],
        ['a@p1', 'ok'],
      ]);
      // both answers' tokens are on the bill
      expect(context.meta.attemptLog?.map((a) => a.usage?.outputTokens)).toEqual([10, 10]);

      const sent = p1.requests[1];
      expect(sent.model).toBe('model-a');
      expect(sent.responseFormat).toEqual(request.responseFormat);
      expect(sent.messages.slice(0, 1)).toEqual(request.messages);
      expect(sent.messages[1]).toEqual({ role: 'assistant', content: INVALID });
      expect(sent.messages[2].role).toBe('user');
      expect(sent.messages[2].content).toContain('- $.age: must be integer');
      expect(sent.messages[2].content).toContain('Reply with only the corrected JSON');
      expect(sent.messages).toHaveLength(3);
      // the caller's request is untouched
      expect(request.messages).toHaveLength(1);
    });

    it('fails with 502 output_schema_mismatch when the repair is invalid too (error route)', async () => {
      p1.answers(answer(INVALID), answer('{"name": "Ada Lovelace"}'));
      const error = await failureOf(client.complete(extraction('strict'), context));
      expect(error).toMatchObject({
        status: 502,
        type: 'api_error',
        code: 'output_schema_mismatch',
        retryable: false,
      });
      expect(error.message).toBe(
        "The model's answer does not match the response_format JSON schema 'person' after 1 repair attempt: $.age: is required",
      );
      expect(error.message).not.toContain('Ada');
      expect(context.meta.quality).toEqual({ schema: 'invalid', repairs: 1 });
      expect(context.meta.attempts).toBe(2);
    });

    it('returns the last answer flagged on a flag route', async () => {
      const last = answer('still {not json');
      p1.answers(answer(INVALID), last);
      await expect(client.complete(extraction('lenient'), context)).resolves.toBe(last);
      expect(context.meta.quality).toEqual({ schema: 'invalid', repairs: 1, flagged: true });
      expect(context.meta.attempts).toBe(2);
    });

    it('repairs as often as the route says: none, or until valid', async () => {
      p1.answers(answer(INVALID));
      const error = await failureOf(client.complete(extraction('noRepair'), context));
      expect(error.code).toBe('output_schema_mismatch');
      expect(error.message).not.toContain('repair attempt');
      expect(context.meta.quality).toEqual({ schema: 'invalid' });
      expect(p1.requests).toHaveLength(1);

      const patient = createRequestContext({ requestId: 'req-p' });
      p1.answers(answer(INVALID), answer('[]'), answer(VALID));
      await client.complete(extraction('patient'), patient);
      expect(patient.meta.quality).toEqual({ schema: 'repaired', repairs: 2 });
      expect(patient.meta.attempts).toBe(3);
      // the second repair sees the first repair's answer and its errors, not the first answer
      const second = p1.requests[3];
      expect(second.messages.map((m) => m.content)).toEqual([
        'Ada Lovelace, 36.',
        '[]',
        expect.stringContaining('- $: must be object'),
      ]);
    });

    it("runs a repair with the route's fallbacks, counting and logging its failed attempt", async () => {
      p1.answers(answer(INVALID), upstreamError({ provider: 'p1', status: 503, message: 'busy' }));
      p2.answers(answer(VALID));
      await client.complete(extraction('strict'), context);
      expect(context.meta.quality).toEqual({ schema: 'repaired', repairs: 1 });
      expect(context.meta).toMatchObject({ attempts: 3, deployment: 'b@p2', fallback: true });
      expect(context.meta.attemptLog?.map((a) => `${a.deployment}:${a.kind}:${a.outcome}`)).toEqual(
        ['a@p1:first:ok', 'a@p1:first:failed', 'b@p2:fallback:ok'],
      );
      expect(p2.requests[0].messages).toHaveLength(3);
    });

    it('keeps the invalid answer when the repair request fails: flagged, or the 502 saying so', async () => {
      const busy = () => upstreamError({ provider: 'p', status: 503, message: 'busy' });
      const first = answer(INVALID);
      p1.answers(first, busy());
      p2.answers(busy());
      await expect(client.complete(extraction('lenient'), context)).resolves.toBe(first);
      expect(context.meta.quality).toEqual({ schema: 'invalid', repairs: 1, flagged: true });

      const strict = createRequestContext({ requestId: 'req-s' });
      p1.answers(answer(INVALID), busy());
      p2.answers(busy());
      const error = await failureOf(client.complete(extraction('strict'), strict));
      expect(error.code).toBe('output_schema_mismatch');
      expect(error.message).toContain(
        'after 1 repair attempt (the last repair request failed: upstream_overloaded): $.age: must be integer',
      );
    });

    it('passes on a cancellation during the repair', async () => {
      p1.answers(answer(INVALID)).hangs(controller.signal);
      const result = client.complete(extraction('strict'), context);
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const error = await failureOf(result);
      expect(error.code).toBe('client_closed_request');
    });

    it("leaves answers to a caller's malformed schema unchecked, never failing them", async () => {
      const request: ChatRequest = {
        ...extraction('strict'),
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'bad', schema: { type: 'object', properties: { a: { type: 'x' } } } },
        },
      };
      const reply = answer('not JSON at all');
      p1.answers(reply);
      await expect(client.complete(request, context)).resolves.toBe(reply);
      expect(context.meta.quality).toEqual({});
      expect(p1.requests).toHaveLength(1);
    });

    it('reports json_object answers that are not JSON objects, without repairing or failing', async () => {
      const reply = answer('Sure: {"a": 1}');
      p1.answers(reply);
      const request: ChatRequest = {
        ...extraction('strict'),
        responseFormat: { type: 'json_object' },
      };
      await expect(client.complete(request, context)).resolves.toBe(reply);
      expect(context.meta.quality).toEqual({ schema: 'invalid' });
      expect(p1.requests).toHaveLength(1);

      const streamed = createRequestContext({ requestId: 'req-o' });
      p1.streamsWith(emit({ delta: { content: '[1]' } }, { finishReason: 'stop' }));
      expect(record(client.stream(request, streamed)).completed).toBe(true);
      expect(streamed.meta.quality).toEqual({ schema: 'invalid' });
    });
  });

  describe('stream', () => {
    it('passes every chunk through as it comes, and fails at the end on an error route', () => {
      const upstream = new Subject<ChatChunk>();
      p1.streamsWith(upstream);
      const recorded = record(client.stream(extraction('strict'), context));
      upstream.next({ delta: { role: 'assistant', content: '' } });
      expect(recorded.chunks).toHaveLength(1);
      const first: ChatChunk = { delta: { content: '{"name": "Ada", ' } };
      upstream.next(first);
      // no buffering: the content is with the caller before the upstream sent more
      expect(recorded.chunks[1]).toBe(first);
      const second: ChatChunk = { delta: { content: '"age": "x"}' } };
      const finish: ChatChunk = { finishReason: 'stop' };
      const usage: ChatChunk = { usage: makeUsage(20, 10) };
      upstream.next(second);
      upstream.next(finish);
      upstream.next(usage);
      expect(recorded.chunks.slice(1)).toEqual([first, second, finish, usage]);
      expect(recorded.chunks[2]).toBe(second);
      expect(context.meta.finishReason).toBe('stop');
      expect(recorded.error).toBeUndefined();
      upstream.complete();
      expect(recorded.completed).toBe(false);
      expect(recorded.error).toBeInstanceOf(GatewayError);
      expect(recorded.error).toMatchObject({ status: 502, code: 'output_schema_mismatch' });
      expect((recorded.error as GatewayError).message).toBe(
        "The model's answer does not match the response_format JSON schema 'person': $.age: must be integer",
      );
      // a stream is never repaired: its text was already sent
      expect(context.meta.quality).toEqual({ schema: 'invalid' });
      expect(p1.requests).toHaveLength(1);
      expect(context.meta.attempts).toBe(1);
    });

    it('completes flagged on a flag route, and clean when valid', () => {
      const chunks = (text: string) =>
        emit(
          { delta: { content: text } },
          { finishReason: 'stop' },
          {
            usage: makeUsage(20, 10),
          },
        );
      p1.streamsWith(chunks(INVALID), chunks(VALID));
      const flagged = record(client.stream(extraction('lenient'), context));
      expect(flagged.completed).toBe(true);
      expect(flagged.error).toBeUndefined();
      expect(context.meta.quality).toEqual({ schema: 'invalid', flagged: true });

      const clean = createRequestContext({ requestId: 'req-c' });
      const valid = record(client.stream(extraction('strict'), clean));
      expect(valid.completed).toBe(true);
      expect(clean.meta.quality).toEqual({ schema: 'valid' });
    });

    it('reports truncated and empty streams, and passes upstream errors on unchanged', () => {
      const plain: ChatRequest = { model: 'strict', messages: [{ role: 'user', content: 'Hi' }] };
      p1.streamsWith(emit({ delta: { content: 'Once' } }, { finishReason: 'length' }));
      expect(record(client.stream(plain, context)).completed).toBe(true);
      expect(context.meta).toMatchObject({ quality: { truncated: true }, finishReason: 'length' });

      const empty = createRequestContext({ requestId: 'req-e' });
      p1.streamsWith(emit({ delta: { role: 'assistant' } }, { finishReason: 'stop' }));
      expect(record(client.stream(plain, empty)).completed).toBe(true);
      expect(empty.meta.quality).toEqual({ empty: true });

      const cut = createRequestContext({ requestId: 'req-x' });
      const failure = upstreamError({ provider: 'p1', status: 500, message: 'boom' });
      p1.streamsWith(
        new Observable<ChatChunk>((subscriber) => {
          subscriber.next({ delta: { content: '{"name":' } });
          subscriber.error(failure);
        }),
      );
      const recorded = record(client.stream(extraction('strict'), cut));
      expect(recorded.error).toBe(failure);
      expect(cut.meta.quality).toBeUndefined();
    });
  });
});
