import Anthropic from '@anthropic-ai/sdk';
import type { FakeUpstream } from '../../../../test/fakes/fake-upstream';
import { startFakeAnthropicUpstream } from '../../../../test/fakes/anthropic-upstream';

/** The fake must be good enough for the official SDK: that is what makes it a faithful fake. */
describe('the fake Anthropic upstream, read by the official @anthropic-ai/sdk', () => {
  let fake: FakeUpstream;
  let sdk: Anthropic;
  const params = {
    model: 'claude-haiku-4-5-20251001',
    max_tokens: 256,
    system: 'Be brief.',
    messages: [{ role: 'user' as const, content: 'Hello' }],
  };

  beforeEach(async () => {
    fake = await startFakeAnthropicUpstream();
    sdk = new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers create() with a message the SDK parses', async () => {
    fake.enqueue({ type: 'text', text: 'Hi there!', usage: { input: 50, output: 3, cached: 20 } });
    const message = await sdk.messages.create(params);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: params.model,
      content: [{ type: 'text', text: 'Hi there!' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 3 },
    });
    // SDK 1.x sends the API key as a bearer token; the fake accepts it as the real API does
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-key');
    expect(fake.requests[0].headers['anthropic-version']).toBeTruthy();
  });

  it('streams raw events the SDK iterates, ending with message_stop', async () => {
    fake.enqueue({ type: 'text', text: 'one two three' });
    const stream = await sdk.messages.create({ ...params, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
    }
    expect(text).toBe('one two three');
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('accumulates a streamed tool call with the SDK MessageStream helper', async () => {
    fake.enqueue({ type: 'tool_call', id: 'toolu_7', name: 'lookup', arguments: '{"order":4411}' });
    const final = await sdk.messages.stream(params).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      expect.objectContaining({
        type: 'tool_use',
        id: 'toolu_7',
        name: 'lookup',
        input: { order: 4411 },
      }),
    ]);
    expect(final.usage.output_tokens).toBe(20);
  });

  it('answers errors in the shape the SDK turns into typed errors', async () => {
    fake.enqueue({ type: 'error', status: 529, message: 'Overloaded' });
    const overloaded = await sdk.messages.create(params).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded).toMatchObject({
      status: 529,
      error: { error: { type: 'overloaded_error' } },
    });

    fake.enqueue({ type: 'error', status: 429, headers: { 'retry-after': '3' } });
    const limited = await sdk.messages.create(params).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);

    const wrongKey = new Anthropic({ apiKey: 'nope', baseURL: fake.url, maxRetries: 0 });
    await expect(wrongKey.messages.create(params)).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
  });

  it('sends an in-stream overloaded error the SDK raises mid-stream', async () => {
    fake.enqueue({ type: 'stream_error', afterChunks: 1 });
    const stream = await sdk.messages.create({ ...params, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(seen).toContain('content_block_delta');
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ error: { error: { type: 'overloaded_error' } } });
  });
});

describe('the fake Anthropic upstream protocol checks', () => {
  let fake: FakeUpstream;
  beforeEach(async () => {
    fake = await startFakeAnthropicUpstream();
  });
  afterEach(() => fake.close());

  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
  const ok = { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };
  const valid = { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };

  it('answers 404, 401 and 400 in the Anthropic error shape', async () => {
    expect(await post('/v1/chat/completions', ok, valid)).toEqual({
      status: 404,
      body: expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ type: 'not_found_error' }),
      }),
    });
    expect(await post('/v1/messages', { ...ok, 'x-api-key': 'bad' }, valid)).toMatchObject({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error' } },
    });
    expect(await post('/v1/messages', { 'x-api-key': 'test-key' }, valid)).toMatchObject({
      status: 400,
      body: { error: { message: 'anthropic-version: header is required' } },
    });
    expect(await post('/v1/messages', ok, { model: 'm', messages: [] })).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } },
    });
  });

  it('answers slow and stalled non-streamed requests in full', async () => {
    fake.enqueue(
      { type: 'slow', text: 'a b c', intervalMs: 5 },
      { type: 'stall', ms: 20, then: { type: 'error', status: 503 } },
    );
    expect(await post('/v1/messages', ok, valid)).toMatchObject({
      status: 200,
      body: { content: [{ type: 'text', text: 'a b c' }], stop_reason: 'end_turn' },
    });
    expect(await post('/v1/messages', ok, valid)).toMatchObject({
      status: 503,
      body: { error: { type: 'api_error' } },
    });
  });
});
