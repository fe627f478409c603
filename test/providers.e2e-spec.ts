import { request } from 'node:http';
import OpenAI from 'openai';
import { startFakeAnthropicUpstream } from './fakes/anthropic-upstream';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeGeminiUpstream } from './fakes/gemini-upstream';
import { startFakeOllamaUpstream } from './fakes/ollama-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import {
  singleProviderConfig,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';
import { postSse } from './support/sse-client';

interface ProviderCase {
  type: string;
  start: () => Promise<FakeUpstream>;
  baseUrl: (url: string) => string;
  providerYaml?: string;
}

const CASES: ProviderCase[] = [
  { type: 'openai', start: () => startFakeOpenAiUpstream(), baseUrl: (u) => `${u}/v1` },
  {
    type: 'azure-openai',
    start: () => startFakeOpenAiUpstream(),
    baseUrl: (u) => u,
    providerYaml: '    apiVersion: 2024-10-21',
  },
  {
    type: 'openai-compatible',
    start: () => startFakeOpenAiUpstream({ apiKey: null }),
    baseUrl: (u) => `${u}/v1`,
  },
  { type: 'anthropic', start: () => startFakeAnthropicUpstream(), baseUrl: (u) => u },
  { type: 'gemini', start: () => startFakeGeminiUpstream(), baseUrl: (u) => u },
  { type: 'ollama', start: () => startFakeOllamaUpstream(), baseUrl: (u) => u },
];

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: 'What is the weather like?' },
];

const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

describe.each(CASES)('$type upstream through the gateway', (testCase) => {
  let fake: FakeUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await testCase.start();
    gateway = await startGateway(
      singleProviderConfig(testCase.type, testCase.baseUrl(fake.url), {
        providerYaml: testCase.providerYaml,
      }),
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it('completes a chat with the upstream text and usage', async () => {
    fake.enqueue({
      type: 'text',
      text: 'It is sunny in Paris today.',
      usage: { input: 21, output: 7 },
    });
    const res = await client.chat.completions.create({
      model: 'm',
      messages,
      temperature: 0.2,
      max_tokens: 50,
    });
    expect(res.choices[0].message.content).toBe('It is sunny in Paris today.');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 });
  });

  it('streams the upstream text and reports usage when asked', async () => {
    fake.enqueue({
      type: 'text',
      text: 'Streaming works over every provider.',
      usage: { input: 30, output: 9 },
    });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]) {
        text += chunk.choices[0].delta.content ?? '';
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Streaming works over every provider.');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 9 });
  });

  it('returns tool calls, whole and streamed', async () => {
    fake.enqueue({
      type: 'tool_call',
      id: 'call_1',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    const res = await client.chat.completions.create({ model: 'm', messages, tools });
    const call = res.choices[0].message
      .tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    fake.enqueue({
      type: 'tool_call',
      id: 'call_2',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages,
      tools,
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      for (const part of delta?.tool_calls ?? []) {
        name += part.function?.name ?? '';
        args += part.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
    expect(finish).toBe('tool_calls');
  });

  it('retries a 429 after the hinted delay and answers', async () => {
    const before = fake.requests.length;
    fake.enqueue(
      { type: 'error', status: 429, headers: { 'retry-after': '0' }, message: 'slow down' },
      { type: 'text', text: 'Second time lucky.' },
    );
    const { data, response } = await client.chat.completions
      .create({ model: 'm', messages })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Second time lucky.');
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
    expect(fake.requests.length - before).toBe(2);
  });

  it('maps an upstream 500 that persists to a 502 in the OpenAI shape', async () => {
    fake.enqueue(
      { type: 'error', status: 500, message: 'boom' },
      { type: 'error', status: 500, message: 'boom' },
    );
    const error = await client.chat.completions
      .create({ model: 'm', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('api_error');
  });

  it('maps an upstream 503 to a 503 with Retry-After', async () => {
    fake.enqueue(
      { type: 'error', status: 503, message: 'overloaded', headers: { 'retry-after': '1' } },
      { type: 'error', status: 503, message: 'overloaded', headers: { 'retry-after': '1' } },
    );
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('overloaded_error');
  });

  it('does not retry an upstream 400 and passes it on as a 400', async () => {
    const before = fake.requests.length;
    fake.enqueue({ type: 'error', status: 400, message: 'bad parameter' });
    const error = await client.chat.completions
      .create({ model: 'm', messages })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(fake.requests.length - before).toBe(1);
  });

  it('ends a stream cut mid-way with an error event and no [DONE]', async () => {
    fake.enqueue({ type: 'cut', afterChunks: 2 });
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'm',
      messages,
      stream: true,
    });
    expect(result.status).toBe(200);
    expect(result.events).not.toContain('[DONE]');
    const last = result.events.at(-1) as { error?: { code: string; type: string } };
    expect(last.error).toBeDefined();
    expect(last.error!.type).toBe('api_error');
  });

  it('aborts the upstream request within a second of the client disconnecting', async () => {
    fake.enqueue({
      type: 'slow',
      text: 'one two three four five six seven eight nine ten',
      intervalMs: 100,
    });
    const abortedBefore = fake.abortedStreams.length;
    const disconnectedAt = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.once('data', () => {
          const at = Date.now();
          req.destroy();
          resolve(at);
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
      req.end(JSON.stringify({ model: 'm', messages, stream: true }));
    });
    await waitFor(() => fake.abortedStreams.length > abortedBefore, 1000);
    expect(fake.abortedStreams.at(-1)!.at - disconnectedAt).toBeLessThan(1000);
  });
});
