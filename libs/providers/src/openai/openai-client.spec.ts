import { take } from 'rxjs';
import { createRequestContext, GatewayError, type ChatRequest } from '@app/core';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeOpenAiUpstream } from '../../../../test/fakes/openai-upstream';
import type { ProviderConfig } from '../provider-config';
import { collect } from './fixtures/replay';
import { OpenAiClient } from './openai-client';

const request: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'developer', content: 'Be brief.' },
    { role: 'user', content: 'Where is my order?' },
  ],
  maxTokens: 64,
};

function configFor(fake: FakeUpstream, over: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: 'openai-test',
    type: 'openai',
    baseUrl: `${fake.url}/v1`,
    apiKey: 'test-key',
    maxConcurrent: 4,
    maxQueue: 0,
    queueTimeoutMs: 0,
    timeouts: { connectMs: 1000, firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 },
    headers: { 'openai-organization': 'org-test' },
    ...over,
  };
}

const context = (signal?: AbortSignal) =>
  createRequestContext({ requestId: 'req-1', ...(signal ? { signal } : {}) });

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('OpenAiClient against the fake OpenAI upstream', () => {
  let fake: FakeUpstream;
  let client: OpenAiClient;

  beforeEach(async () => {
    fake = await startFakeOpenAiUpstream();
    client = new OpenAiClient(configFor(fake));
  });
  afterEach(() => fake.close());

  it('completes a request with the OpenAI wire and auth', async () => {
    fake.enqueue({ type: 'text', text: 'It shipped.', usage: { input: 20, output: 3, cached: 8 } });
    const response = await client.complete(request, context());
    expect(response).toMatchObject({
      model: 'gpt-4o-mini',
      message: { role: 'assistant', content: 'It shipped.' },
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 3, totalTokens: 23, cachedInputTokens: 8 },
    });
    const sent = fake.requests[0];
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer test-key');
    expect(sent.headers['openai-organization']).toBe('org-test');
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Where is my order?' },
      ],
      max_completion_tokens: 64,
    });
  });

  it('streams text, finish reason and usage', async () => {
    fake.enqueue({ type: 'text', text: 'It shipped yesterday.', usage: { input: 20, output: 4 } });
    const { chunks, error } = await collect(client.stream(request, context()));
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe('It shipped yesterday.');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('stop');
    expect(chunks.at(-1)?.usage).toEqual({ inputTokens: 20, outputTokens: 4, totalTokens: 24 });
    expect(fake.requests[0].body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('returns and streams tool calls', async () => {
    const call = {
      type: 'tool_call' as const,
      id: 'call_42',
      name: 'get_order',
      arguments: '{"id":"4411"}',
    };
    fake.enqueue(call, call);
    const response = await client.complete(request, context());
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.toolCalls).toEqual([
      {
        id: 'call_42',
        type: 'function',
        function: { name: 'get_order', arguments: '{"id":"4411"}' },
      },
    ]);
    const { chunks } = await collect(client.stream(request, context()));
    const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: 'call_42', function: { name: 'get_order' } });
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe('{"id":"4411"}');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('tool_calls');
  });

  it('maps a 429 with retry headers to a retryable error with the hint', async () => {
    fake.enqueue({
      type: 'error',
      status: 429,
      headers: { 'retry-after-ms': '1200', 'retry-after': '2' },
    });
    const error = await rejection(client.complete(request, context()));
    expect(error).toMatchObject({
      status: 503,
      code: 'rate_limit_exceeded',
      retryable: true,
      retryAfterMs: 1200,
      upstreamStatus: 429,
      provider: 'openai-test',
    });
  });

  it('keeps insufficient_quota, and context_length_exceeded as a 400', async () => {
    fake.enqueue(
      {
        type: 'error',
        status: 429,
        body: {
          error: {
            message: 'You exceeded your current quota',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        },
      },
      {
        type: 'error',
        status: 400,
        body: {
          error: {
            message: "This model's maximum context length is 128000 tokens.",
            type: 'invalid_request_error',
            param: 'messages',
            code: 'context_length_exceeded',
          },
        },
      },
    );
    expect(await rejection(client.complete(request, context()))).toMatchObject({
      code: 'insufficient_quota',
    });
    expect(await rejection(client.complete(request, context()))).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      retryable: false,
    });
  });

  it('reports a wrong key without the upstream text', async () => {
    const wrong = new OpenAiClient(configFor(fake, { apiKey: 'sk-wrong-key-12345678' }));
    const error = await rejection(wrong.complete(request, context()));
    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_authentication_failed',
      upstreamStatus: 401,
    });
    expect(error.message).not.toContain('sk-wrong');
    const streamed = await collect(wrong.stream(request, context()));
    expect(streamed.error).toMatchObject({ code: 'upstream_authentication_failed' });
  });

  it('honours x-should-retry: false on a 500', async () => {
    fake.enqueue({ type: 'error', status: 500, headers: { 'x-should-retry': 'false' } });
    expect(await rejection(client.complete(request, context()))).toMatchObject({
      code: 'upstream_error',
      retryable: false,
    });
  });

  it('fails a stream the upstream cuts', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const { chunks, error } = await collect(client.stream(request, context()));
    // the role-only opening delta, then the two content chunks sent before the cut
    expect(chunks.length).toBe(3);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as GatewayError).code).toBe('upstream_stream_cut');
  });

  it('fails a stream with an in-stream server error, retryably', async () => {
    fake.enqueue({ type: 'stream_error', afterChunks: 1, message: 'overloaded, sorry' });
    const { chunks, error } = await collect(client.stream(request, context()));
    expect(chunks.length).toBe(2);
    expect(error).toMatchObject({ code: 'upstream_error', retryable: true });
    expect((error as Error).message).toContain('overloaded, sorry');
  });

  it('times out a stream with no first event', async () => {
    const slowClient = new OpenAiClient(
      configFor(fake, {
        timeouts: { connectMs: 1000, firstTokenMs: 100, idleMs: 1000, totalMs: 5000 },
      }),
    );
    fake.enqueue({ type: 'stall', ms: 2000 });
    const { error } = await collect(slowClient.stream(request, context()));
    expect(error).toMatchObject({ code: 'upstream_timeout', retryable: true });
  });

  it('aborts the upstream when the caller goes away mid-stream', async () => {
    fake.enqueue({ type: 'slow', text: 'one two three four five six seven eight', intervalMs: 50 });
    const controller = new AbortController();
    const done = collect(client.stream(request, context(controller.signal)));
    await new Promise((resolve) => setTimeout(resolve, 130));
    controller.abort();
    const { chunks, error } = await done;
    expect(chunks.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: 'client_closed_request' });
    await waitFor(() => fake.abortedStreams.length === 1);
  });

  it('is cold: nothing goes upstream before subscribe', async () => {
    client.stream(request, context());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests).toHaveLength(0);
  });

  it('aborts the upstream when the subscriber unsubscribes', async () => {
    fake.enqueue({ type: 'slow', text: 'one two three four five six seven eight', intervalMs: 50 });
    const chunks = await collect(client.stream(request, context()).pipe(take(2)));
    expect(chunks.chunks).toHaveLength(2);
    await waitFor(() => fake.abortedStreams.length === 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
