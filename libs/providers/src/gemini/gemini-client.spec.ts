import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { createRequestContext, type ChatChunk, type ChatRequest } from '@app/core';
import { startFakeGeminiUpstream } from '../../../../test/fakes/gemini-upstream';
import { startFakeServer, type FakeUpstream } from '../../../../test/fakes/fake-upstream';
import type { ProviderConfig } from '../provider-config';
import { GeminiClient } from './gemini-client';

function config(url: string, apiKey = 'test-key'): ProviderConfig {
  return {
    name: 'gemini-test',
    type: 'gemini',
    baseUrl: url,
    apiKey,
    maxConcurrent: 4,
    maxQueue: 0,
    queueTimeoutMs: 0,
    timeouts: { connectMs: 1000, firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 },
    headers: {},
  };
}

const request: ChatRequest = {
  model: 'gemini-2.5-flash',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Why is the sky blue?' },
  ],
  maxTokens: 64,
};
const context = () => createRequestContext({ requestId: 'req-1' });

async function failure(work: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

const drain = (stream: Observable<ChatChunk>) => lastValueFrom(stream.pipe(toArray()));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GeminiClient against the fake Gemini upstream', () => {
  let fake: FakeUpstream;
  let client: GeminiClient;

  beforeEach(async () => {
    fake = await startFakeGeminiUpstream();
    client = new GeminiClient(config(fake.url));
  });
  afterEach(() => fake.close());

  it('completes, sending the key as a header and the body Gemini expects', async () => {
    fake.enqueue({
      type: 'text',
      text: 'Rayleigh scattering.',
      usage: { input: 20, output: 4, cached: 8 },
    });
    const response = await client.complete(request, context());
    expect(response).toEqual({
      id: 'fake-gemini-1',
      model: 'gemini-2.5-flash',
      message: { role: 'assistant', content: 'Rayleigh scattering.' },
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 4, totalTokens: 24, cachedInputTokens: 8 },
    });
    const sent = fake.requests[0];
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('test-key');
    expect(sent.url).not.toContain('key=');
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Why is the sky blue?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { candidateCount: 1, maxOutputTokens: 64 },
    });
  });

  it('streams text, the finish reason and usage', async () => {
    fake.enqueue({ type: 'text', text: 'Short blue waves scatter.', finish: 'length' });
    const chunks = await drain(client.stream(request, context()));
    expect(fake.requests[0].url).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(chunks.map((chunk) => chunk.delta?.content ?? '').join('')).toBe(
      'Short blue waves scatter.',
    );
    expect(chunks.at(-2)).toMatchObject({ finishReason: 'length' });
    expect(chunks.at(-1)).toMatchObject({ usage: { inputTokens: 12, outputTokens: 4 } });
  });

  it('returns and streams tool calls, with Gemini 3 signatures round-tripping', async () => {
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    ];
    const ask: ChatRequest = { ...request, model: 'gemini-3-pro-preview', tools };
    fake.enqueue({ type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const response = await client.complete(ask, context());
    expect(response.finishReason).toBe('tool_calls');
    const call = response.message.toolCalls![0];
    expect(call.id).toMatch(/^call_0__thought__/);
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    fake.enqueue({
      type: 'tool_call',
      id: 'fc_1',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    const followUp: ChatRequest = {
      ...ask,
      messages: [
        ...ask.messages,
        { role: 'assistant', content: null, toolCalls: [call] },
        { role: 'tool', toolCallId: call.id, content: '{"temperature":18}' },
      ],
    };
    const chunks = await drain(client.stream(followUp, context()));
    const sentModelTurn = (fake.requests[1].body as { contents: { parts: unknown[] }[] })
      .contents[1];
    expect(sentModelTurn.parts[0]).toMatchObject({ thoughtSignature: expect.any(String) });
    expect(chunks[0].delta?.toolCalls?.[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^fc_1__thought__/),
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    });
    expect(chunks.find((chunk) => chunk.finishReason)?.finishReason).toBe('tool_calls');
  });

  it('maps a 429 with its RetryInfo wait, for both methods', async () => {
    fake.enqueue(
      { type: 'error', status: 429, headers: { 'retry-after': '7' } },
      { type: 'error', status: 429, headers: { 'retry-after': '3' } },
    );
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 503,
      code: 'RESOURCE_EXHAUSTED',
      upstreamStatus: 429,
      retryAfterMs: 7000,
      retryable: true,
    });
    expect(await failure(drain(client.stream(request, context())))).toMatchObject({
      upstreamStatus: 429,
      retryAfterMs: 3000,
    });
  });

  it('maps 503 and 500 as retryable, 400 as the caller’s', async () => {
    fake.enqueue(
      { type: 'error', status: 503 },
      { type: 'error', status: 500 },
      {
        type: 'error',
        status: 400,
        message:
          'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).',
      },
    );
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 503,
      type: 'overloaded_error',
      upstreamStatus: 503,
      retryable: true,
    });
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 502,
      code: 'upstream_error',
      retryable: true,
    });
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      retryable: false,
    });
  });

  it('reports a rejected key as an upstream credential failure, without the key', async () => {
    const wrong = new GeminiClient(config(fake.url, 'sk-wrong-key-123456'));
    const error = await failure(wrong.complete(request, context()));
    expect(error).toMatchObject({ status: 502, code: 'upstream_authentication_failed' });
    expect(String(error.message)).not.toContain('sk-wrong-key-123456');
  });

  it('fails a stream whose socket breaks mid-answer, after the chunks it got', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const seen: ChatChunk[] = [];
    const error = await new Promise<unknown>((resolve) =>
      client.stream(request, context()).subscribe({
        next: (chunk) => seen.push(chunk),
        error: resolve,
        complete: () => resolve(undefined),
      }),
    );
    expect(seen.map((chunk) => chunk.delta?.content)).toEqual(['piece0 ', 'piece1 ']);
    expect(error).toMatchObject({ status: 502, retryable: true, code: 'upstream_stream_cut' });
  });

  it('fails with an in-stream error event after some text', async () => {
    fake.enqueue({ type: 'stream_error', afterChunks: 1 });
    const seen: ChatChunk[] = [];
    const error = await new Promise<unknown>((resolve) =>
      client.stream(request, context()).subscribe({
        next: (chunk) => seen.push(chunk),
        error: resolve,
        complete: () => resolve(undefined),
      }),
    );
    expect(seen[0].delta?.content).toBe('piece0 ');
    expect(error).toMatchObject({ status: 503, upstreamStatus: 503, retryable: true });
  });

  it('aborts the upstream request when the caller goes away mid-stream', async () => {
    fake.enqueue({ type: 'slow', text: 'one two three four five six seven eight', intervalMs: 50 });
    const controller = new AbortController();
    const ctx = createRequestContext({ requestId: 'req-abort', signal: controller.signal });
    const stream = client.stream(request, ctx);
    const first = new Promise<unknown>((resolve) => {
      let aborted = false;
      stream.subscribe({
        next: () => {
          if (!aborted) {
            aborted = true;
            controller.abort();
          }
        },
        error: resolve,
      });
    });
    expect(await first).toMatchObject({ code: 'client_closed_request' });
    await until(() => fake.abortedStreams.length === 1);
  });

  it('aborts the upstream request when the subscriber unsubscribes', async () => {
    fake.enqueue({ type: 'slow', text: 'a b c d e f g h', intervalMs: 50 });
    await firstValueFrom(client.stream(request, context()));
    await until(() => fake.abortedStreams.length === 1);
  });

  it('honours a stall then answers', async () => {
    fake.enqueue({ type: 'stall', ms: 100 });
    const started = Date.now();
    const response = await client.complete(request, context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(response.message.content).toBe('Hello from the fake upstream.');
  });

  it('reports a body that ends cleanly without a finishReason as a cut stream', async () => {
    const bare = await startFakeServer(async (_request, _behaviour, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        'data: {"candidates":[{"content":{"parts":[{"text":"Hal"}],"role":"model"}}]}\r\n\r\n',
      );
      res.end();
    });
    try {
      const error = await failure(
        drain(new GeminiClient(config(bare.url)).stream(request, context())),
      );
      expect(error).toMatchObject({ code: 'upstream_stream_cut', status: 502, retryable: true });
    } finally {
      await bare.close();
    }
  });
});
