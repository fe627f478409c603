import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { postSse } from './support/sse-client';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';

/** The default configuration (simulator only) driven by the official OpenAI SDK. */
describe('Chat Completions API on the default config', () => {
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gateway = await startGateway(readFileSync('config/gateway.yaml', 'utf-8'));
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => gateway.close());

  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Say hello to the gateway.' },
  ];

  it('answers a completion with usage and gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'default', messages })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('default');
    expect(data.choices[0].message.role).toBe('assistant');
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(data.choices[0].finish_reason);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(
      data.usage!.prompt_tokens + data.usage!.completion_tokens,
    );
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-gateway-route')).toBe('default');
    expect(response.headers.get('x-gateway-deployment')).toBe('sim-small');
    expect(response.headers.get('x-gateway-attempts')).toBe('1');
    expect(Number(response.headers.get('x-gateway-overhead-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic for the same prompt and honours max_tokens', async () => {
    const a = await client.chat.completions.create({ model: 'fast', messages });
    const b = await client.chat.completions.create({ model: 'fast', messages });
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    const short = await client.chat.completions.create({ model: 'fast', messages, max_tokens: 3 });
    expect(short.usage!.completion_tokens).toBe(3);
    expect(short.choices[0].finish_reason).toBe('length');
  });

  it('streams chunks with a final usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'default',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let first = true;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      if (first) expect(chunk.choices[0].delta.role).toBe('assistant');
      first = false;
      if (chunk.choices.length) {
        text += chunk.choices[0].delta.content ?? '';
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).not.toBeNull();
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    const whole = await client.chat.completions.create({ model: 'default', messages });
    expect(text).toBe(whole.choices[0].message.content);
    expect(usage!.completion_tokens).toBe(whole.usage!.completion_tokens);
  });

  it('ends the raw stream with [DONE] and omits usage when not asked', async () => {
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      model: 'fast',
      messages,
      stream: true,
    });
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toContain('text/event-stream');
    expect(result.headers['x-gateway-deployment']).toBe('sim-small');
    expect(result.events.at(-1)).toBe('[DONE]');
    const chunks = result.events.slice(0, -1) as { choices: unknown[]; usage?: unknown }[];
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
  });

  it('lists the routes and deployments as models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['default', 'fast', 'smart', 'sim-small', 'sim-large']),
    );
    const one = await client.models.retrieve('smart');
    expect(one).toMatchObject({ id: 'smart', object: 'model' });
  });

  it('answers tool calls in the OpenAI shape', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    ];
    const res = await client.chat.completions.create({
      model: 'default',
      messages,
      tools,
      tool_choice: 'required',
    });
    const call = res.choices[0].message
      .tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
  });

  it('writes one log line per request with its facts', async () => {
    await client.chat.completions.create(
      { model: 'default', messages },
      { headers: { 'x-request-id': 'trace-me-1' } },
    );
    await waitFor(() => requestLines(gateway).some((l) => l.requestId === 'trace-me-1'));
    const line = requestLines(gateway).find((l) => l.requestId === 'trace-me-1')!;
    expect(line).toMatchObject({
      path: '/v1/chat/completions',
      status: 200,
      route: 'default',
      deployment: 'sim-small',
      attempts: 1,
    });
    expect(line.inputTokens).toEqual(expect.any(Number));
    expect(line.outputTokens).toEqual(expect.any(Number));
    expect(line.latencyMs).toEqual(expect.any(Number));
    expect(line.overheadMs).toEqual(expect.any(Number));
    expect(line.overheadMs as number).toBeLessThanOrEqual(line.latencyMs as number);
  });
});

describe('client mistakes get 4xx in the OpenAI error shape', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    const yaml = readFileSync('config/gateway.yaml', 'utf-8').replace(
      'bodyLimitBytes: 4194304',
      'bodyLimitBytes: 2048',
    );
    gateway = await startGateway(yaml);
  });
  afterAll(() => gateway.close());

  async function post(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body,
      headers,
    });
    const json = (await res.json()) as {
      error: { message: string; type: string; param: string | null; code: string | null };
    };
    return { status: res.status, error: json.error, requestId: res.headers.get('x-request-id') };
  }

  const ok = { model: 'default', messages: [{ role: 'user', content: 'hi' }] };

  it.each([
    ['malformed JSON', '{"model": "default", "messages": [', 400, 'invalid_json', null],
    ['an empty body', '', 400, 'invalid_json', null],
    ['a JSON array body', '[]', 400, 'invalid_request', null],
    ['missing messages', JSON.stringify({ model: 'default' }), 400, 'invalid_request', 'messages'],
    [
      'empty messages',
      JSON.stringify({ model: 'default', messages: [] }),
      400,
      'invalid_request',
      'messages',
    ],
    [
      'wrong type of temperature',
      JSON.stringify({ ...ok, temperature: 'hot' }),
      400,
      'invalid_request',
      'temperature',
    ],
    [
      'a bad role',
      JSON.stringify({ ...ok, messages: [{ role: 'robot', content: 'x' }] }),
      400,
      'invalid_request',
      'messages[0].role',
    ],
    [
      'bad content',
      JSON.stringify({ ...ok, messages: [{ role: 'user', content: 5 }] }),
      400,
      'invalid_request',
      'messages[0].content',
    ],
    [
      'a tool message without tool_call_id',
      JSON.stringify({ ...ok, messages: [{ role: 'tool', content: 'x' }] }),
      400,
      'invalid_request',
      'messages[0].tool_call_id',
    ],
    ['n > 1', JSON.stringify({ ...ok, n: 2 }), 400, 'invalid_request', 'n'],
    ['an unknown model', JSON.stringify({ ...ok, model: 'nope' }), 404, 'model_not_found', 'model'],
    [
      'a body over the limit',
      JSON.stringify({ ...ok, messages: [{ role: 'user', content: 'x'.repeat(4096) }] }),
      413,
      'payload_too_large',
      null,
    ],
  ])('%s', async (_name, body, status, code, param) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.error.code).toBe(code);
    expect(res.error.param).toBe(param);
    expect(typeof res.error.message).toBe('string');
    expect(res.error.type).toMatch(/_error$/);
    expect(res.error.message).not.toMatch(/\bat .+\.(js|ts):\d+/);
    expect(res.requestId).toBeTruthy();
  });

  it('a form-encoded body is 415', async () => {
    const res = await post('model=default', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    expect(res.error.type).toBe('invalid_request_error');
    expect(res.error.code).toBe('unsupported_media_type');
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const res = await fetch(`${gateway.url}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });

  it('a streaming request for an unknown model is a plain 404, not an event stream', async () => {
    const result = await postSse(`${gateway.url}/v1/chat/completions`, {
      ...ok,
      model: 'nope',
      stream: true,
    });
    expect(result.status).toBe(404);
    expect(JSON.parse(result.text).error.code).toBe('model_not_found');
  });
});
