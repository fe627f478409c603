import OpenAI, { AzureOpenAI } from 'openai';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeOpenAiUpstream } from '../../../../test/fakes/openai-upstream';

/** The official SDK reads the fake upstream: the fake is faithful enough for the e2e suites. */
describe('fake OpenAI upstream, read by the official openai SDK', () => {
  let fake: FakeUpstream;
  beforeEach(async () => {
    fake = await startFakeOpenAiUpstream();
  });
  afterEach(() => fake.close());

  const messages = [{ role: 'user' as const, content: 'hi' }];

  it('serves OpenAI completions and streams with usage', async () => {
    const sdk = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    fake.enqueue({ type: 'text', text: 'Hello there.', usage: { input: 5, output: 3, cached: 2 } });
    const completion = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0].message.content).toBe('Hello there.');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(2);

    fake.enqueue({ type: 'tool_call', name: 'lookup', arguments: '{"q":"x"}' });
    const stream = await sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let usage: number | undefined;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(args).toBe('{"q":"x"}');
    expect(usage).toBe(18);
  });

  it('serves Azure deployments with api-key and api-version', async () => {
    const sdk = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: 'test-key',
      apiVersion: '2024-10-21',
      deployment: 'support-gpt4o',
      maxRetries: 0,
    });
    fake.enqueue({ type: 'text', text: 'Azure says hi.' });
    const completion = await sdk.chat.completions.create({ model: 'support-gpt4o', messages });
    expect(completion.choices[0].message.content).toBe('Azure says hi.');
    expect(fake.requests[0].url).toBe(
      '/openai/deployments/support-gpt4o/chat/completions?api-version=2024-10-21',
    );
    expect(fake.requests[0].headers['api-key']).toBe('test-key');
  });

  it('answers a wrong key with 401 in the OpenAI error shape', async () => {
    const sdk = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(
      sdk.chat.completions.create({ model: 'gpt-4o-mini', messages }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
  });

  it('surfaces an in-stream error to the SDK', async () => {
    const sdk = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    fake.enqueue({ type: 'stream_error', afterChunks: 1 });
    const stream = await sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toMatchObject({ type: 'server_error' });
  });
});
