import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { createRequestContext, type ChatChunk, type ChatRequest } from '@app/core';
import { startFakeServer, type FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeOllamaUpstream } from '../../../../test/fakes/ollama-upstream';
import type { ProviderConfig } from '../provider-config';
import { OllamaClient } from './ollama-client';

function config(url: string, apiKey?: string): ProviderConfig {
  return {
    name: 'ollama-test',
    type: 'ollama',
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
  model: 'llama3.2',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Why is the sky blue?' },
  ],
  temperature: 0,
};
const context = () => createRequestContext({ requestId: 'req-1' });
const drain = (stream: Observable<ChatChunk>) => lastValueFrom(stream.pipe(toArray()));

async function failure(work: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

function errorOf(stream: Observable<ChatChunk>): Promise<{ seen: ChatChunk[]; error: unknown }> {
  const seen: ChatChunk[] = [];
  return new Promise((resolve) =>
    stream.subscribe({
      next: (chunk) => seen.push(chunk),
      error: (error: unknown) => resolve({ seen, error }),
      complete: () => resolve({ seen, error: undefined }),
    }),
  );
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OllamaClient against the fake Ollama upstream', () => {
  let fake: FakeUpstream;
  let client: OllamaClient;

  beforeEach(async () => {
    fake = await startFakeOllamaUpstream();
    client = new OllamaClient(config(fake.url));
  });
  afterEach(() => fake.close());

  it('completes without auth, sending the body Ollama expects', async () => {
    fake.enqueue({ type: 'text', text: 'Rayleigh scattering.', usage: { input: 20, output: 4 } });
    expect(await client.complete(request, context())).toEqual({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'Rayleigh scattering.' },
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 4, totalTokens: 24 },
    });
    const sent = fake.requests[0];
    expect(sent.url).toBe('/api/chat');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Why is the sky blue?' },
      ],
      stream: false,
      options: { temperature: 0 },
    });
  });

  it('sends a configured key as a bearer token, and fails on a wrong one', async () => {
    fake.enqueue({ type: 'text', text: 'ok' });
    await new OllamaClient(config(fake.url, 'test-key')).complete(request, context());
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-key');
    const error = await failure(
      new OllamaClient(config(fake.url, 'wrong-key-123')).complete(request, context()),
    );
    expect(error).toMatchObject({ status: 502, code: 'upstream_authentication_failed' });
    expect(String(error.message)).not.toContain('wrong-key-123');
  });

  it('streams text, the finish reason and usage', async () => {
    fake.enqueue({ type: 'text', text: 'Short blue waves scatter.', finish: 'length' });
    const chunks = await drain(client.stream(request, context()));
    expect((fake.requests[0].body as { stream: boolean }).stream).toBe(true);
    expect(chunks.map((chunk) => chunk.delta?.content ?? '').join('')).toBe(
      'Short blue waves scatter.',
    );
    expect(chunks.at(-2)).toMatchObject({ finishReason: 'length' });
    expect(chunks.at(-1)).toMatchObject({ usage: { inputTokens: 12, outputTokens: 4 } });
  });

  it('returns and streams tool calls', async () => {
    fake.enqueue(
      { type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    );
    const response = await client.complete(request, context());
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.toolCalls).toEqual([
      {
        id: 'call_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ]);
    const chunks = await drain(client.stream(request, context()));
    expect(chunks[0].delta?.toolCalls).toEqual([
      {
        index: 0,
        id: 'call_abc',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(chunks.find((chunk) => chunk.finishReason)?.finishReason).toBe('tool_calls');
  });

  it('maps error statuses, with retry hints from headers', async () => {
    fake.enqueue(
      { type: 'error', status: 503, headers: { 'retry-after': '2' } },
      { type: 'error', status: 404 },
      { type: 'error', status: 400, message: 'the input length exceeds the context length' },
      { type: 'error', status: 500 },
    );
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 503,
      type: 'overloaded_error',
      retryAfterMs: 2000,
      retryable: true,
    });
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 502,
      upstreamStatus: 404,
      retryable: false,
    });
    expect(await failure(client.complete(request, context()))).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
    });
    expect(await failure(drain(client.stream(request, context())))).toMatchObject({
      status: 502,
      code: 'upstream_error',
      retryable: true,
    });
  });

  it('fails a stream whose socket breaks mid-answer, after the chunks it got', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const { seen, error } = await errorOf(client.stream(request, context()));
    expect(seen.map((chunk) => chunk.delta?.content)).toEqual(['piece0 ', 'piece1 ']);
    expect(error).toMatchObject({ status: 502, retryable: true, code: 'upstream_stream_cut' });
  });

  it('reports a body that ends without the done line as a cut stream', async () => {
    const bare = await startFakeServer(async (_request, _behaviour, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end('{"model":"llama3.2","message":{"role":"assistant","content":"Hal"},"done":false}\n');
    });
    try {
      const { error } = await errorOf(
        new OllamaClient(config(bare.url)).stream(request, context()),
      );
      expect(error).toMatchObject({ code: 'upstream_stream_cut', status: 502, retryable: true });
    } finally {
      await bare.close();
    }
  });

  it('fails with an error line after some text', async () => {
    fake.enqueue({
      type: 'stream_error',
      afterChunks: 1,
      message: 'llama runner process has terminated',
    });
    const { seen, error } = await errorOf(client.stream(request, context()));
    expect(seen[0].delta?.content).toBe('piece0 ');
    expect(error).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
  });

  it('aborts the upstream request when the caller goes away mid-stream', async () => {
    fake.enqueue({ type: 'slow', text: 'one two three four five six seven eight', intervalMs: 50 });
    const controller = new AbortController();
    const ctx = createRequestContext({ requestId: 'req-abort', signal: controller.signal });
    const aborted = new Promise<unknown>((resolve) => {
      let sent = false;
      client.stream(request, ctx).subscribe({
        next: () => {
          if (!sent) {
            sent = true;
            controller.abort();
          }
        },
        error: resolve,
      });
    });
    expect(await aborted).toMatchObject({ code: 'client_closed_request' });
    await until(() => fake.abortedStreams.length === 1);
  });

  it('aborts the upstream request when the subscriber unsubscribes', async () => {
    fake.enqueue({ type: 'slow', text: 'a b c d e f g h', intervalMs: 50 });
    await firstValueFrom(client.stream(request, context()));
    await until(() => fake.abortedStreams.length === 1);
  });

  it('times out a stalled upstream on the first-token limit', async () => {
    const impatient = new OllamaClient({
      ...config(fake.url),
      timeouts: { connectMs: 1000, firstTokenMs: 100, idleMs: 100, totalMs: 5000 },
    });
    fake.enqueue({ type: 'stall', ms: 1000 });
    expect(await failure(drain(impatient.stream(request, context())))).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
    await until(() => fake.abortedStreams.length === 1);
  });
});
