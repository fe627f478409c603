import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Observable } from 'rxjs';
import {
  GatewayError,
  createRequestContext,
  type ChatChunk,
  type ChatRequest,
  type RequestContext,
  type ToolDefinition,
} from '@app/core';
import type { ProviderConfig, SimulatorSettings } from '../provider-config';
import { SimulatorClient } from './simulator-client';
import { countPromptTokens } from './token-count';

function makeClient(settings: Partial<SimulatorSettings> = {}): SimulatorClient {
  const config: ProviderConfig = {
    name: 'sim-test',
    type: 'simulator',
    maxConcurrent: 10,
    maxQueue: 0,
    queueTimeoutMs: 0,
    timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 1000 },
    headers: {},
    simulator: {
      firstTokenMs: 100,
      tokensPerSecond: 50,
      seed: 1,
      defaultMaxTokens: 0,
      faults: {},
      ...settings,
    },
  };
  return new SimulatorClient(config);
}

let requestCounter = 0;
function ctx(signal?: AbortSignal, requestId = `req-${++requestCounter}`): RequestContext {
  return createRequestContext({ requestId, signal: signal ?? new AbortController().signal });
}

function req(text = 'Tell me about release planning.', extra: Partial<ChatRequest> = {}) {
  const request: ChatRequest = {
    model: 'sim-model',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: text },
    ],
    ...extra,
  };
  return request;
}

const weather: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city', 'unit'],
    },
  },
};

interface Collected {
  chunks: ChatChunk[];
  error?: unknown;
  done: boolean;
  unsubscribe: () => void;
}

function collect(stream: Observable<ChatChunk>): Collected {
  const out: Collected = { chunks: [], done: false, unsubscribe: () => undefined };
  const sub = stream.subscribe({
    next: (chunk) => out.chunks.push(chunk),
    error: (error: unknown) => (out.error = error),
    complete: () => (out.done = true),
  });
  out.unsubscribe = () => sub.unsubscribe();
  return out;
}

const contentOf = (chunks: ChatChunk[]) => chunks.map((c) => c.delta?.content ?? '').join('');

/** completes a promise under fake timers */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const guarded = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await jest.runAllTimersAsync();
  const result = await guarded;
  if ('error' in result) throw result.error;
  return result.value;
}

describe('SimulatorClient', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  describe('complete', () => {
    it('answers deterministically with realistic usage', async () => {
      const a = await settle(makeClient().complete(req(), ctx()));
      const b = await settle(makeClient().complete(req(), ctx()));
      const other = await settle(makeClient({ seed: 2 }).complete(req(), ctx()));
      expect(a.message.content).toBe(b.message.content);
      expect(a.usage).toEqual(b.usage);
      expect(other.message.content).not.toBe(a.message.content);
      expect(a.id).toMatch(/^chatcmpl-sim-[0-9a-f]{24}$/);
      expect(a.model).toBe('sim-model');
      expect(a.finishReason).toBe('stop');
      expect(a.message.content).toMatch(/^[A-Z].*\.$/);
      expect(a.usage.outputTokens).toBe(countTokens(a.message.content!));
      expect(a.usage.inputTokens).toBe(countPromptTokens(req().messages));
      expect(a.usage.totalTokens).toBe(a.usage.inputTokens + a.usage.outputTokens);
    });

    it('different requests get different replies and unique ids', async () => {
      const client = makeClient();
      const a = await settle(client.complete(req('first question'), ctx()));
      const b = await settle(client.complete(req('second question'), ctx()));
      const c = await settle(client.complete(req('first question', { temperature: 0.5 }), ctx()));
      expect(new Set([a.message.content, b.message.content, c.message.content]).size).toBe(3);
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('cuts the reply at maxTokens (finish reason length); defaultMaxTokens bounds it', async () => {
      const full = await settle(makeClient().complete(req(), ctx()));
      const cut = await settle(makeClient().complete(req(undefined, { maxTokens: 5 }), ctx()));
      expect(cut.finishReason).toBe('length');
      expect(cut.usage.outputTokens).toBe(5);
      expect(full.message.content!.startsWith(cut.message.content!)).toBe(true);
      for (const question of ['a', 'b', 'c', 'd']) {
        const capped = await settle(
          makeClient({ defaultMaxTokens: 30 }).complete(req(question), ctx()),
        );
        expect(capped.usage.outputTokens).toBeLessThanOrEqual(30);
        expect(capped.finishReason).toBe('stop');
      }
    });

    it('waits firstTokenMs plus the generation time', async () => {
      const reference = await settle(makeClient().complete(req(), ctx()));
      const client = makeClient({ firstTokenMs: 100, tokensPerSecond: 50 });
      let done = false;
      const promise = client.complete(req(), ctx()).then((r) => {
        done = true;
        return r;
      });
      const expectedMs = 100 + (reference.usage.outputTokens - 1) * 20;
      await jest.advanceTimersByTimeAsync(expectedMs - 1);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      await promise;
    });

    it('calls a tool when the user mentions it', async () => {
      const r = await settle(
        makeClient().complete(req('Please get_weather for Oslo', { tools: [weather] }), ctx()),
      );
      expect(r.finishReason).toBe('tool_calls');
      expect(r.message.content).toBeNull();
      const call = r.message.toolCalls![0];
      expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
      expect(call.function.name).toBe('get_weather');
      const args = JSON.parse(call.function.arguments);
      expect(typeof args.city).toBe('string');
      expect(['c', 'f']).toContain(args.unit);
    });

    it('answers parseable JSON in json modes', async () => {
      const obj = await settle(
        makeClient().complete(req(undefined, { responseFormat: { type: 'json_object' } }), ctx()),
      );
      expect(() => JSON.parse(obj.message.content!)).not.toThrow();
      const schema = {
        type: 'object',
        properties: { summary: { type: 'string' }, priority: { type: 'integer' } },
        required: ['summary', 'priority'],
      };
      const r = await settle(
        makeClient().complete(
          req(undefined, {
            responseFormat: { type: 'json_schema', jsonSchema: { name: 'x', schema } },
          }),
          ctx(),
        ),
      );
      const value = JSON.parse(r.message.content!);
      expect(typeof value.summary).toBe('string');
      expect(Number.isInteger(value.priority)).toBe(true);
    });

    it('rejects invalid requests with a 400', async () => {
      const unknownTool = req('x', {
        tools: [weather],
        toolChoice: { type: 'function', function: { name: 'nope' } },
      });
      await expect(settle(makeClient().complete(unknownTool, ctx()))).rejects.toMatchObject({
        status: 400,
      });
      await expect(
        settle(makeClient().complete({ model: 'm', messages: [] }, ctx())),
      ).rejects.toMatchObject({ status: 400 });
      await expect(
        settle(makeClient().complete(req('x', { maxTokens: 0 }), ctx())),
      ).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('stream', () => {
    it('streams the same reply: role first, then tokens, finish, usage, complete', async () => {
      const client = makeClient();
      const reference = await settle(makeClient().complete(req(), ctx()));
      const got = collect(client.stream(req(), ctx()));
      await jest.runAllTimersAsync();
      expect(got.done).toBe(true);
      expect(got.error).toBeUndefined();
      const { chunks } = got;
      expect(chunks[0].delta?.role).toBe('assistant');
      expect(chunks[0].id).toMatch(/^chatcmpl-sim-/);
      expect(chunks.every((c) => c.id === chunks[0].id && c.model === 'sim-model')).toBe(true);
      const finish = chunks.at(-2)!;
      const usage = chunks.at(-1)!;
      expect(finish.finishReason).toBe('stop');
      expect(usage.usage).toEqual(reference.usage);
      const text = contentOf(chunks);
      expect(text).toBe(reference.message.content);
      expect(countTokens(text)).toBe(usage.usage!.outputTokens);
      // at 50 tok/s every token is its own chunk
      expect(chunks.length).toBe(usage.usage!.outputTokens + 2);
    });

    it('is cold: nothing runs before subscribe', () => {
      makeClient().stream(req(), ctx());
      expect(jest.getTimerCount()).toBe(0);
    });

    it('sends the first chunk after firstTokenMs and then paces tokens', async () => {
      const got = collect(
        makeClient({ firstTokenMs: 100, tokensPerSecond: 50 }).stream(req(), ctx()),
      );
      await jest.advanceTimersByTimeAsync(99);
      expect(got.chunks).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(got.chunks).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(19);
      expect(got.chunks).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(got.chunks).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(200);
      expect(got.chunks).toHaveLength(12);
      await jest.runAllTimersAsync();
      expect(got.done).toBe(true);
    });

    it('batches several tokens per chunk at high rates', async () => {
      const got = collect(
        makeClient({ firstTokenMs: 0, tokensPerSecond: 2000 }).stream(req(), ctx()),
      );
      await jest.runAllTimersAsync();
      const outputTokens = got.chunks.at(-1)!.usage!.outputTokens;
      const contentChunks = got.chunks.filter((c) => c.delta?.content).length;
      expect(contentChunks).toBeLessThan(outputTokens / 4);
      expect(countTokens(contentOf(got.chunks))).toBe(outputTokens);
    });

    it('sends everything at once when unpaced', async () => {
      const got = collect(makeClient({ firstTokenMs: 0, tokensPerSecond: 0 }).stream(req(), ctx()));
      await jest.runAllTimersAsync();
      expect(got.chunks).toHaveLength(3);
      expect(got.done).toBe(true);
    });

    it('streams maxTokens-capped replies with finish reason length', async () => {
      const got = collect(makeClient().stream(req(undefined, { maxTokens: 3 }), ctx()));
      await jest.runAllTimersAsync();
      expect(got.chunks.at(-2)!.finishReason).toBe('length');
      expect(got.chunks.at(-1)!.usage!.outputTokens).toBe(3);
      expect(countTokens(contentOf(got.chunks))).toBe(3);
    });

    it('streams tool calls as OpenAI-style deltas', async () => {
      const request = req('[[sim:tool]] what now?', { tools: [weather] });
      const reference = await settle(makeClient().complete(request, ctx()));
      const got = collect(makeClient().stream(request, ctx()));
      await jest.runAllTimersAsync();
      const deltas = got.chunks.flatMap((c) => c.delta?.toolCalls ?? []);
      expect(got.chunks[0].delta).toEqual({
        role: 'assistant',
        toolCalls: [
          {
            index: 0,
            id: reference.message.toolCalls![0].id,
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      });
      const args = deltas.map((d) => d.function?.arguments ?? '').join('');
      expect(args).toBe(reference.message.toolCalls![0].function.arguments);
      expect(deltas.slice(1).every((d) => d.index === 0 && d.id === undefined)).toBe(true);
      expect(deltas.length).toBeGreaterThan(2);
      expect(got.chunks.at(-2)!.finishReason).toBe('tool_calls');
      expect(got.chunks.at(-1)!.usage).toEqual(reference.usage);
    });

    it('streams valid JSON in json_object mode', async () => {
      const got = collect(
        makeClient().stream(req(undefined, { responseFormat: { type: 'json_object' } }), ctx()),
      );
      await jest.runAllTimersAsync();
      expect(() => JSON.parse(contentOf(got.chunks))).not.toThrow();
    });
  });

  describe('faults', () => {
    it.each([
      ['rateLimit', 429, 503],
      ['serverError', 500, 502],
      ['unavailable', 503, 503],
      ['overloaded', 529, 503],
    ] as const)(
      'config fault %s fails with upstream %i before any token',
      async (key, upstream, status) => {
        const client = makeClient({ faults: { [key]: 1 } });
        const error = await settle(client.complete(req(), ctx())).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GatewayError);
        expect(error).toMatchObject({ status, upstreamStatus: upstream, provider: 'sim-test' });
        if (upstream === 429) expect((error as GatewayError).retryAfterMs).toBeGreaterThan(0);
        const got = collect(client.stream(req(), ctx()));
        await jest.runAllTimersAsync();
        expect(got.chunks).toHaveLength(0);
        expect(got.error).toMatchObject({ upstreamStatus: upstream });
      },
    );

    it.each([
      ['[[sim:fail=429]]', { status: 503, upstreamStatus: 429, retryAfterMs: 1000 }],
      ['[[sim:fail=500]]', { status: 502, upstreamStatus: 500 }],
      ['[[sim:fail=503]]', { status: 503, upstreamStatus: 503 }],
      ['[[sim:fail=529]]', { status: 503, upstreamStatus: 529 }],
      ['[[sim:fail=400]]', { status: 400, upstreamStatus: 400, retryable: false }],
      ['[[sim:fail=reset]]', { status: 502, code: 'upstream_unreachable' }],
    ])('directive %s', async (directive, expected) => {
      const error = await settle(makeClient().complete(req(`Hi ${directive}`), ctx())).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject(expected);
    });

    it('errors arrive when the first token would have', async () => {
      const got = collect(makeClient({ firstTokenMs: 100 }).stream(req('[[sim:fail=500]]'), ctx()));
      await jest.advanceTimersByTimeAsync(99);
      expect(got.error).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(got.error).toBeInstanceOf(GatewayError);
    });

    it('streamCut errors after a few chunks and never finishes', async () => {
      const got = collect(makeClient({ faults: { streamCut: 1 } }).stream(req(), ctx()));
      await jest.runAllTimersAsync();
      expect(got.done).toBe(false);
      expect(got.error).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
      expect(got.chunks.length).toBeGreaterThanOrEqual(1);
      expect(got.chunks.length).toBeLessThanOrEqual(4);
      expect(got.chunks.some((c) => c.finishReason || c.usage)).toBe(false);
    });

    it('[[sim:cut=3]] cuts after exactly 3 chunks; cut=0 before any', async () => {
      const three = collect(makeClient().stream(req('[[sim:cut=3]]'), ctx()));
      const zero = collect(makeClient().stream(req('[[sim:cut=0]]'), ctx()));
      const long = collect(makeClient().stream(req('[[sim:cut=500]]'), ctx()));
      await jest.runAllTimersAsync();
      expect(three.chunks).toHaveLength(3);
      expect(three.error).toMatchObject({ code: 'upstream_stream_cut' });
      expect(zero.chunks).toHaveLength(0);
      expect(zero.error).toMatchObject({ code: 'upstream_stream_cut' });
      expect(long.chunks.some((c) => c.finishReason)).toBe(false);
      expect(long.error).toMatchObject({ code: 'upstream_stream_cut' });
    });

    it('a cut in complete() is a connection reset', async () => {
      await expect(
        settle(makeClient().complete(req('[[sim:cut=2]]'), ctx())),
      ).rejects.toMatchObject({
        status: 502,
        code: 'upstream_unreachable',
      });
    });

    it('stall delays the first token', async () => {
      for (const client of [
        makeClient({ firstTokenMs: 100 }),
        makeClient({ firstTokenMs: 100, faults: { stall: 1, stallMs: 2000 } }),
      ]) {
        const text = client.settings.faults.stall ? 'Hi' : 'Hi [[sim:stall=2000]]';
        const got = collect(client.stream(req(text), ctx()));
        await jest.advanceTimersByTimeAsync(2099);
        expect(got.chunks).toHaveLength(0);
        await jest.advanceTimersByTimeAsync(1);
        expect(got.chunks).toHaveLength(1);
        got.unsubscribe();
      }
    });

    it('a mid-stream stall pauses after the planned chunks, then goes on at the same pace', async () => {
      for (const client of [
        makeClient({ firstTokenMs: 100, tokensPerSecond: 50 }),
        makeClient({
          firstTokenMs: 100,
          tokensPerSecond: 50,
          seed: 3,
          faults: { stallMidStream: 1, stallMs: 2000 },
        }),
      ]) {
        const configured = client.settings.faults.stallMidStream === 1;
        const text = configured ? 'Hi' : 'Hi [[sim:stall=2000,stallAfter=2]]';
        const got = collect(client.stream(req(text), ctx()));
        const times: number[] = [];
        const start = Date.now();
        let seen = 0;
        while (!got.done && got.error === undefined && Date.now() - start < 60_000) {
          await jest.advanceTimersByTimeAsync(5);
          while (seen < got.chunks.length) {
            if (got.chunks[seen].delta) times.push(Date.now() - start);
            seen++;
          }
        }
        expect(got.done).toBe(true);
        expect(got.chunks.some((c) => c.finishReason === 'stop')).toBe(true);
        const gaps = times.slice(1).map((t, i) => t - times[i]);
        const long = gaps.filter((g) => g >= 2000);
        expect(long).toHaveLength(1);
        expect(long[0]).toBeLessThan(2000 + 40);
        const at = gaps.findIndex((g) => g >= 2000) + 1;
        if (!configured) expect(at).toBe(2);
        else {
          expect(at).toBeGreaterThanOrEqual(1);
          expect(at).toBeLessThanOrEqual(4);
        }
        // no burst after the pause: the other gaps stay at the token pace
        for (const g of gaps.filter((g) => g < 2000)) expect(g).toBeGreaterThanOrEqual(15);
      }
    });

    it('a mid-stream stall makes complete() answer that much later', async () => {
      const client = makeClient({ firstTokenMs: 100, tokensPerSecond: 0 });
      let done = false;
      void client.complete(req('Hi [[sim:stall=1500,stallAfter=1]]'), ctx()).then(() => {
        done = true;
      });
      await jest.advanceTimersByTimeAsync(1599);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
    });

    it('times=N fails only the first N attempts of a request id', async () => {
      const client = makeClient();
      const request = req('Hi [[sim:fail=503,times=2]]');
      const context = ctx(undefined, 'retry-me');
      await expect(settle(client.complete(request, context))).rejects.toMatchObject({
        status: 503,
      });
      await expect(settle(client.complete(request, context))).rejects.toMatchObject({
        status: 503,
      });
      const ok = await settle(client.complete(request, context));
      expect(ok.finishReason).toBe('stop');
      await expect(settle(client.complete(request, ctx()))).rejects.toMatchObject({ status: 503 });
    });

    it('gives a reproducible fault pattern for a run with the same seed', async () => {
      const run = async (seed: number) => {
        const client = makeClient({
          seed,
          firstTokenMs: 0,
          tokensPerSecond: 0,
          faults: { serverError: 0.3 },
        });
        const outcomes: string[] = [];
        for (let i = 0; i < 30; i++) {
          outcomes.push(
            await settle(client.complete(req(`question ${i}`), ctx())).then(
              () => 'ok',
              () => 'fail',
            ),
          );
        }
        return outcomes;
      };
      const first = await run(5);
      expect(await run(5)).toEqual(first);
      expect(first).toContain('ok');
      expect(first).toContain('fail');
      expect(await run(6)).not.toEqual(first);
    });

    it('faults leave the reply itself unchanged', async () => {
      const plain = await settle(makeClient().complete(req(), ctx()));
      const faulty = makeClient({ faults: { stall: 1, stallMs: 10 } });
      const stalled = await settle(faulty.complete(req(), ctx()));
      expect(stalled.message).toEqual(plain.message);
    });
  });

  describe('cancellation', () => {
    it('abort mid-stream errors promptly and clears all timers', async () => {
      const controller = new AbortController();
      const got = collect(makeClient().stream(req(), ctx(controller.signal)));
      await jest.advanceTimersByTimeAsync(150);
      expect(got.chunks.length).toBeGreaterThan(0);
      controller.abort();
      expect(got.error).toMatchObject({ status: 499, code: 'client_closed_request' });
      const seen = got.chunks.length;
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(got.chunks).toHaveLength(seen);
    });

    it('unsubscribing cancels the timers', async () => {
      const got = collect(makeClient().stream(req(), ctx()));
      await jest.advanceTimersByTimeAsync(130);
      got.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    });

    it('abort during complete() rejects promptly; an aborted signal rejects at once', async () => {
      const controller = new AbortController();
      const promise = makeClient().complete(req(), ctx(controller.signal));
      await jest.advanceTimersByTimeAsync(50);
      controller.abort(GatewayError.timeout('deadline passed'));
      await expect(promise).rejects.toMatchObject({ status: 504, message: 'deadline passed' });
      expect(jest.getTimerCount()).toBe(0);
      await expect(makeClient().complete(req(), ctx(controller.signal))).rejects.toBeInstanceOf(
        GatewayError,
      );
      const got = collect(makeClient().stream(req(), ctx(controller.signal)));
      expect(got.error).toBeInstanceOf(GatewayError);
    });
  });
});

describe('SimulatorClient with real timers', () => {
  it('roughly honours the timing', async () => {
    const client = makeClient({ firstTokenMs: 40, tokensPerSecond: 1000 });
    const started = Date.now();
    let firstAt = 0;
    const chunks: ChatChunk[] = [];
    await new Promise<void>((resolve, reject) => {
      client.stream(req(), ctx()).subscribe({
        next: (chunk) => {
          if (chunks.length === 0) firstAt = Date.now() - started;
          chunks.push(chunk);
        },
        error: reject,
        complete: resolve,
      });
    });
    const total = Date.now() - started;
    const outputTokens = chunks.at(-1)!.usage!.outputTokens;
    expect(firstAt).toBeGreaterThanOrEqual(39);
    expect(firstAt).toBeLessThan(200);
    expect(total).toBeGreaterThanOrEqual(40 + outputTokens - 2);
    expect(total).toBeLessThan(40 + outputTokens + 300);
  });
});
