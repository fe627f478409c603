import { createRequestContext, type ChatRequest } from '@app/core';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeOpenAiUpstream } from '../../../../test/fakes/openai-upstream';
import { collect } from '../openai/fixtures/replay';
import type { ProviderConfig } from '../provider-config';
import { OpenAiCompatibleClient } from './openai-compatible-client';

const request: ChatRequest = {
  model: 'qwen2.5-7b-instruct',
  messages: [{ role: 'user', content: 'hi' }],
  maxTokens: 32,
};

function configFor(url: string, apiKey?: string): ProviderConfig {
  return {
    name: 'local-vllm',
    type: 'openai-compatible',
    baseUrl: `${url}/v1`,
    apiKey,
    maxConcurrent: 2,
    maxQueue: 0,
    queueTimeoutMs: 0,
    timeouts: { connectMs: 1000, firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 },
    headers: {},
  };
}

const context = () => createRequestContext({ requestId: 'req-compat' });

describe('OpenAiCompatibleClient against a fake server', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('sends no auth header without a key, and max_tokens', async () => {
    fake = await startFakeOpenAiUpstream({ apiKey: null });
    const client = new OpenAiCompatibleClient(configFor(fake.url));
    const response = await client.complete(request, context());
    expect(response.message.content).toBe('Hello from the fake upstream.');
    expect(fake.requests[0].headers.authorization).toBeUndefined();
    expect(fake.requests[0].body).toMatchObject({ max_tokens: 32 });
  });

  it('sends the bearer key when one is configured', async () => {
    fake = await startFakeOpenAiUpstream();
    const client = new OpenAiCompatibleClient(configFor(fake.url, 'test-key'));
    await client.complete(request, context());
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('accepts a stream without [DONE] and without usage once it sent a finish reason', async () => {
    fake = await startFakeOpenAiUpstream({ apiKey: null, sendDone: false, streamUsage: 'never' });
    const client = new OpenAiCompatibleClient(configFor(fake.url));
    const { chunks, error } = await collect(client.stream(request, context()));
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.delta?.content ?? '').join('')).toBe(
      'Hello from the fake upstream.',
    );
    expect(chunks.at(-1)).toMatchObject({ finishReason: 'stop' });
  });

  it('still fails a cut stream', async () => {
    fake = await startFakeOpenAiUpstream({ apiKey: null, sendDone: false });
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const client = new OpenAiCompatibleClient(configFor(fake.url));
    const { error } = await collect(client.stream(request, context()));
    expect(error).toMatchObject({ retryable: true });
  });

  it('reports a context-length error worded the vLLM way', async () => {
    fake = await startFakeOpenAiUpstream({ apiKey: null });
    fake.enqueue({
      type: 'error',
      status: 400,
      body: {
        object: 'error',
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    const client = new OpenAiCompatibleClient(configFor(fake.url));
    await expect(client.complete(request, context())).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
    });
  });
});
