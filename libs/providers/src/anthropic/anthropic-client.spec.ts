import { Observable, take, toArray, firstValueFrom } from 'rxjs';
import {
  createRequestContext,
  GatewayError,
  type ChatChunk,
  type ChatRequest,
  type RequestContext,
} from '@app/core';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeAnthropicUpstream } from '../../../../test/fakes/anthropic-upstream';
import type { ProviderConfig } from '../provider-config';
import { AnthropicClient } from './anthropic-client';

const config = (fake: FakeUpstream, extra: Partial<ProviderConfig> = {}): ProviderConfig => ({
  name: 'anthropic-eu',
  type: 'anthropic',
  baseUrl: fake.url,
  apiKey: 'test-key',
  maxConcurrent: 8,
  maxQueue: 0,
  queueTimeoutMs: 0,
  timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 5000 },
  headers: {},
  ...extra,
});

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-haiku-4-5-20251001',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
  ],
  ...extra,
});

const ctx = (signal?: AbortSignal): RequestContext =>
  createRequestContext({ requestId: 'req-1', ...(signal ? { signal } : {}) });

interface Outcome {
  chunks: ChatChunk[];
  error?: GatewayError;
}

function collect(stream: Observable<ChatChunk>, onChunk?: (c: ChatChunk) => void) {
  return new Promise<Outcome>((resolve, reject) => {
    const chunks: ChatChunk[] = [];
    stream.subscribe({
      next: (chunk) => {
        chunks.push(chunk);
        onChunk?.(chunk);
      },
      error: (error: unknown) =>
        error instanceof GatewayError
          ? resolve({ chunks, error })
          : reject(error instanceof Error ? error : new Error(String(error))),
      complete: () => resolve({ chunks }),
    });
  });
}

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.delta?.content ?? '').join('');

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('AnthropicClient against the fake Anthropic upstream', () => {
  let fake: FakeUpstream;
  let client: AnthropicClient;

  beforeEach(async () => {
    fake = await startFakeAnthropicUpstream();
    client = new AnthropicClient(config(fake));
  });
  afterEach(() => fake.close());

  describe('complete', () => {
    it('posts a Messages request with the auth and version headers and maps the answer', async () => {
      fake.enqueue({
        type: 'text',
        text: 'Hi there!',
        usage: { input: 1200, output: 4, cached: 1024 },
      });
      const response = await client.complete(request({ maxTokens: 64 }), ctx());
      expect(response).toMatchObject({
        model: 'claude-haiku-4-5-20251001',
        message: { role: 'assistant', content: 'Hi there!' },
        finishReason: 'stop',
        usage: { inputTokens: 1200, outputTokens: 4, totalTokens: 1204, cachedInputTokens: 1024 },
      });
      expect(response.id).toMatch(/^msg_/);
      const [sent] = fake.requests;
      expect(sent).toMatchObject({ method: 'POST', url: '/v1/messages' });
      expect(sent.headers).toMatchObject({
        'x-api-key': 'test-key',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      });
      expect(sent.body).toEqual({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      });
    });

    it('sends the configured anthropic-version and extra headers', async () => {
      client = new AnthropicClient(
        config(fake, { anthropicVersion: '2024-01-01', headers: { 'anthropic-beta': 'x-1' } }),
      );
      await client.complete(request(), ctx());
      expect(fake.requests[0].headers).toMatchObject({
        'anthropic-version': '2024-01-01',
        'anthropic-beta': 'x-1',
      });
    });

    it('maps max_tokens to length and a tool call to tool_calls', async () => {
      fake.enqueue(
        { type: 'text', text: 'Once upon a', finish: 'length' },
        { type: 'tool_call', id: 'toolu_1', name: 'lookup_order', arguments: '{"id":4411}' },
      );
      expect((await client.complete(request(), ctx())).finishReason).toBe('length');
      const tool = await client.complete(request(), ctx());
      expect(tool.finishReason).toBe('tool_calls');
      expect(tool.message).toEqual({
        role: 'assistant',
        content: null,
        toolCalls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'lookup_order', arguments: '{"id":4411}' },
          },
        ],
      });
    });

    it('maps a 429 with retry-after to a retryable error with the hint', async () => {
      fake.enqueue({
        type: 'error',
        status: 429,
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '7', 'anthropic-ratelimit-requests-remaining': '0' },
      });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        code: 'rate_limit_error',
        retryable: true,
        retryAfterMs: 7000,
        upstreamStatus: 429,
        provider: 'anthropic-eu',
      });
    });

    it('maps 529 overloaded and 500 api_error to retryable errors', async () => {
      fake.enqueue({ type: 'error', status: 529, message: 'Overloaded' });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        status: 503,
        retryable: true,
        upstreamStatus: 529,
      });
      fake.enqueue({ type: 'error', status: 500 });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        status: 502,
        retryable: true,
        upstreamStatus: 500,
      });
    });

    it('maps prompt is too long to context_length_exceeded', async () => {
      fake.enqueue({
        type: 'error',
        status: 400,
        message: 'prompt is too long: 208310 tokens > 200000 maximum',
      });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        status: 400,
        code: 'context_length_exceeded',
        retryable: false,
      });
    });

    it('maps a rejected key to a non-retryable error that does not leak the key', async () => {
      client = new AnthropicClient(config(fake, { apiKey: 'sk-ant-api03-wrongwrongwrong' }));
      const error = await client.complete(request(), ctx()).catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 502,
        code: 'upstream_authentication_failed',
        upstreamStatus: 401,
        retryable: false,
      });
      expect(JSON.stringify(error) + String(error)).not.toContain('wrongwrong');
    });

    it('treats an in-stream error behaviour on a non-streamed call as HTTP 529', async () => {
      fake.enqueue({ type: 'stream_error', afterChunks: 1 });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        upstreamStatus: 529,
        retryable: true,
      });
    });

    it('fails retryably when the connection dies mid-body', async () => {
      fake.enqueue({ type: 'cut', afterChunks: 1 });
      await expect(client.complete(request(), ctx())).rejects.toMatchObject({
        status: 502,
        retryable: true,
      });
    });

    it('rejects arguments that are not JSON without calling the upstream', async () => {
      const bad = request({
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
        ],
      });
      await expect(client.complete(bad, ctx())).rejects.toMatchObject({ status: 400 });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('stream', () => {
    it('streams text, then the finish and the usage chunk, with stream: true sent', async () => {
      fake.enqueue({
        type: 'text',
        text: 'Hello from a streamed fake.',
        usage: { input: 40, output: 6, cached: 30 },
      });
      const { chunks, error } = await collect(client.stream(request(), ctx()));
      expect(error).toBeUndefined();
      expect(chunks[0].delta).toEqual({ role: 'assistant' });
      expect(text(chunks)).toBe('Hello from a streamed fake.');
      expect(chunks.slice(-2)).toEqual([
        { finishReason: 'stop' },
        { usage: { inputTokens: 40, outputTokens: 6, totalTokens: 46, cachedInputTokens: 30 } },
      ]);
      expect(fake.requests[0].body).toMatchObject({ stream: true, max_tokens: 4096 });
    });

    it('streams a tool call as deltas that reassemble to the arguments', async () => {
      const args = '{"city":"Paris","unit":"celsius","days":3}';
      fake.enqueue({ type: 'tool_call', id: 'toolu_9', name: 'forecast', arguments: args });
      const { chunks } = await collect(client.stream(request(), ctx()));
      const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
      expect(deltas[0]).toEqual({
        index: 0,
        id: 'toolu_9',
        type: 'function',
        function: { name: 'forecast', arguments: '' },
      });
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.map((d) => d.function?.arguments).join('')).toBe(args);
      expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('tool_calls');
    });

    it('fails before any chunk on an HTTP error, with the retry hint', async () => {
      fake.enqueue({ type: 'error', status: 529, headers: { 'retry-after': '2' } });
      const { chunks, error } = await collect(client.stream(request(), ctx()));
      expect(chunks).toEqual([]);
      expect(error).toMatchObject({ upstreamStatus: 529, retryable: true, retryAfterMs: 2000 });
    });

    it('fails with overloaded_error on an error event inside the 200 stream', async () => {
      fake.enqueue({ type: 'stream_error', afterChunks: 2 });
      const { chunks, error } = await collect(client.stream(request(), ctx()));
      expect(text(chunks)).toBe('chunk0 chunk1 ');
      expect(error).toMatchObject({ code: 'overloaded_error', retryable: true });
    });

    it('reports a connection that dies mid-stream as upstream_stream_cut', async () => {
      fake.enqueue({ type: 'cut', afterChunks: 2 });
      const { chunks, error } = await collect(client.stream(request(), ctx()));
      expect(text(chunks)).toBe('chunk0 chunk1 ');
      expect(chunks.some((c) => c.finishReason || c.usage)).toBe(false);
      expect(error).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
    });

    it('times out a stalled upstream and closes the request', async () => {
      client = new AnthropicClient(
        config(fake, {
          timeouts: { connectMs: 500, firstTokenMs: 100, idleMs: 100, totalMs: 2000 },
        }),
      );
      fake.enqueue({ type: 'stall', ms: 1000 });
      const { error } = await collect(client.stream(request(), ctx()));
      expect(error).toMatchObject({ code: 'upstream_timeout', retryable: true });
      await until(() => fake.abortedStreams.length === 1);
    });

    it('aborts the upstream request when the caller aborts mid-stream', async () => {
      fake.enqueue({
        type: 'slow',
        text: 'one two three four five six seven eight',
        intervalMs: 40,
      });
      const caller = new AbortController();
      const { chunks, error } = await collect(client.stream(request(), ctx(caller.signal)), (c) => {
        if (c.delta?.content) caller.abort();
      });
      expect(text(chunks)).toBe('one ');
      expect(error).toMatchObject({ code: 'client_closed_request' });
      await until(() => fake.abortedStreams.length === 1);
    });

    it('aborts the upstream request when the subscriber unsubscribes', async () => {
      fake.enqueue({
        type: 'slow',
        text: 'one two three four five six seven eight',
        intervalMs: 40,
      });
      const chunks = await firstValueFrom(client.stream(request(), ctx()).pipe(take(2), toArray()));
      expect(text(chunks)).toBe('one ');
      await until(() => fake.abortedStreams.length === 1);
    });

    it('is cold, and fails the subscription (not the call) on a request it cannot map', async () => {
      const bad = request({ messages: [{ role: 'tool', content: 'orphan' }] });
      const stream = client.stream(bad, ctx());
      expect(fake.requests).toHaveLength(0);
      const { error } = await collect(stream);
      expect(error).toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
      expect(fake.requests).toHaveLength(0);
    });
  });
});
