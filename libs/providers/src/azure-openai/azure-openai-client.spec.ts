import { createRequestContext, GatewayError, type ChatRequest } from '@app/core';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeOpenAiUpstream } from '../../../../test/fakes/openai-upstream';
import { collect } from '../openai/fixtures/replay';
import type { ProviderConfig } from '../provider-config';
import { AzureOpenAiClient } from './azure-openai-client';

const request: ChatRequest = {
  model: 'support-gpt4o',
  messages: [{ role: 'user', content: 'Where is my order?' }],
  maxTokens: 50,
};

function configFor(fake: FakeUpstream, over: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: 'azure-eu',
    type: 'azure-openai',
    baseUrl: fake.url,
    apiKey: 'test-key',
    apiVersion: '2024-10-21',
    region: 'eu',
    maxConcurrent: 4,
    maxQueue: 0,
    queueTimeoutMs: 0,
    timeouts: { connectMs: 1000, firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 },
    headers: {},
    ...over,
  };
}

const context = (signal?: AbortSignal) =>
  createRequestContext({ requestId: 'req-az', ...(signal ? { signal } : {}) });

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('AzureOpenAiClient against the fake upstream', () => {
  let fake: FakeUpstream;
  let client: AzureOpenAiClient;

  beforeEach(async () => {
    fake = await startFakeOpenAiUpstream();
    client = new AzureOpenAiClient(configFor(fake));
  });
  afterEach(() => fake.close());

  it('calls the deployment path with api-key and api-version', async () => {
    fake.enqueue({ type: 'text', text: 'It shipped.', usage: { input: 9, output: 3 } });
    const response = await client.complete(request, context());
    expect(response).toMatchObject({
      message: { content: 'It shipped.' },
      finishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 },
    });
    const sent = fake.requests[0];
    expect(sent.url).toBe(
      '/openai/deployments/support-gpt4o/chat/completions?api-version=2024-10-21',
    );
    expect(sent.headers['api-key']).toBe('test-key');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toMatchObject({ max_completion_tokens: 50 });
  });

  it('defaults the api-version', async () => {
    const defaulted = new AzureOpenAiClient(configFor(fake, { apiVersion: undefined }));
    await defaulted.complete(request, context());
    expect(fake.requests[0].url).toMatch(/\?api-version=2024-10-21$/);
  });

  it('streams through the prompt-filter chunk to text, finish and usage', async () => {
    fake.enqueue({ type: 'text', text: 'It shipped yesterday.', usage: { input: 9, output: 4 } });
    const { chunks, error } = await collect(client.stream(request, context()));
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe('It shipped yesterday.');
    expect(chunks.find((c) => c.finishReason)?.finishReason).toBe('stop');
    expect(chunks.at(-1)?.usage?.totalTokens).toBe(13);
  });

  it('streams without usage on an old api-version, which cannot ask for it', async () => {
    const old = new AzureOpenAiClient(configFor(fake, { apiVersion: '2024-06-01' }));
    const { chunks, error } = await collect(old.stream(request, context()));
    expect(error).toBeUndefined();
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(fake.requests[0].body).toMatchObject({ max_tokens: 50 });
    expect(fake.requests[0].body).not.toHaveProperty('stream_options');
  });

  it('returns and streams tool calls', async () => {
    const call = {
      type: 'tool_call' as const,
      id: 'call_az',
      name: 'lookup',
      arguments: '{"q":"4411"}',
    };
    fake.enqueue(call, call);
    expect((await client.complete(request, context())).message.toolCalls?.[0]).toMatchObject({
      id: 'call_az',
      function: { name: 'lookup', arguments: '{"q":"4411"}' },
    });
    const { chunks } = await collect(client.stream(request, context()));
    const deltas = chunks.flatMap((c) => c.delta?.toolCalls ?? []);
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe('{"q":"4411"}');
  });

  it('maps a 429 with x-ms-retry-after-ms', async () => {
    fake.enqueue({ type: 'error', status: 429, headers: { 'x-ms-retry-after-ms': '750' } });
    expect(await rejection(client.complete(request, context()))).toMatchObject({
      status: 503,
      retryable: true,
      retryAfterMs: 750,
      upstreamStatus: 429,
    });
  });

  it('maps a content filter rejection to a 400 with code content_filter', async () => {
    fake.enqueue({
      type: 'error',
      status: 400,
      body: {
        error: {
          code: 'content_filter',
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          status: 400,
          innererror: {
            code: 'ResponsibleAIPolicyViolation',
            content_filter_result: { hate: { filtered: true, severity: 'high' } },
          },
        },
      },
    });
    const error = await rejection(client.complete(request, context()));
    expect(error).toMatchObject({ status: 400, code: 'content_filter', retryable: false });
    expect(error.message).toContain('hate=high');
  });

  it('reports a wrong key as the gateway misconfiguration', async () => {
    const wrong = new AzureOpenAiClient(configFor(fake, { apiKey: 'not-the-key' }));
    expect(await rejection(wrong.complete(request, context()))).toMatchObject({
      code: 'upstream_authentication_failed',
      upstreamStatus: 401,
    });
  });

  it('fails a cut stream and aborts the upstream on caller abort', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 1 });
    const cut = await collect(client.stream(request, context()));
    expect(cut.error).toMatchObject({ retryable: true });

    const before = fake.abortedStreams.length; // the cut itself closes the socket mid-response
    fake.enqueue({ type: 'slow', text: 'a b c d e f g h i j', intervalMs: 40 });
    const controller = new AbortController();
    const done = collect(client.stream(request, context(controller.signal)));
    setTimeout(() => controller.abort(), 100);
    const aborted = await done;
    expect(aborted.chunks.length).toBeGreaterThan(0);
    expect(aborted.error).toMatchObject({ code: 'client_closed_request' });
    const start = Date.now();
    while (fake.abortedStreams.length === before && Date.now() - start < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fake.abortedStreams).toHaveLength(before + 1);
  });
});
