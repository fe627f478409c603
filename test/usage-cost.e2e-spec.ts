import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { DefaultTokenCounter } from '@app/context';
import { costNanoUsd, makeUsage, type Pricing, type Usage } from '@app/core';
import { pieces, type FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';
import { parseMetrics } from './support/prometheus';
import { postSse } from './support/sse-client';

const PRICE_A: Pricing = {
  inputPerMTok: 0.15,
  cachedInputPerMTok: 0.075,
  cacheWritePerMTok: 0.15,
  outputPerMTok: 0.6,
};
const PRICE_B: Pricing = {
  inputPerMTok: 2.5,
  cachedInputPerMTok: 1.25,
  cacheWritePerMTok: 2.5,
  outputPerMTok: 10,
};
const UPSTREAM_KEY = 'sk-upstreamSECRETkey0123456789abcdef';
const CALLER_KEY = 'sk-callerSECRETkey0123456789abcdefgh';

const counter = new DefaultTokenCounter();
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Tell me about usage accounting in one sentence.' },
];
/** the prompt as the gateway counts it for each deployment's model */
const inputA = counter.countMessages(messages, 'gpt-4o-mini');
const inputB = counter.countMessages(messages, 'gpt-4o');

/** `x-gateway-cost-usd` (or `usage.cost_usd`) as integer nano-dollars */
const nanos = (usd: string | number | undefined): number => Math.round(Number(usd) * 1e9);

/**
 * Usage and cost on every path: answered, streamed, cancelled, cut, retried, fallen back, hedged —
 * each asserted to the token and the nano-dollar; the metrics after that traffic parsed as
 * Prometheus text; and no secret in any log line.
 */
describe('usage and cost on every path', () => {
  let upA: FakeUpstream;
  let upB: FakeUpstream;
  let gateway: RunningGateway;
  let openai: OpenAI;
  /** every request's cost, by request id, as the gateway reported it */
  const costs = new Map<string, number>();

  beforeAll(async () => {
    upA = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY });
    upB = await startFakeOpenAiUpstream({ apiKey: UPSTREAM_KEY });
    const sha = createHash('sha256').update(CALLER_KEY).digest('hex');
    gateway = await startGateway(
      `
server: { allowDirectDeployments: false }
auth:
  apiKeys: [{ id: ci, sha256: ${sha} }]
providers:
  - { name: pa, type: openai, baseUrl: ${upA.url}/v1, apiKey: "\${UPSTREAM_KEY}" }
  - { name: pb, type: openai, baseUrl: ${upB.url}/v1, apiKey: "\${UPSTREAM_KEY}" }
deployments:
  - name: a
    provider: pa
    model: gpt-4o-mini
    pricing: { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 }
  - name: b
    provider: pb
    model: gpt-4o
    pricing: { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10 }
routes:
  single:
    targets: [a]
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }
  chain:
    targets: [a, b]
    retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 }
  hedged:
    targets: [a, b]
    retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 }
    hedge: { afterMs: 100 }
`,
      { UPSTREAM_KEY },
    );
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CALLER_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await upA.close();
    await upB.close();
  });

  const lineOf = (requestId: string) =>
    requestLines(gateway).find((line) => line.requestId === requestId);
  const waitForLine = async (requestId: string) => {
    await waitFor(() => lineOf(requestId) !== undefined, 5000);
    return lineOf(requestId) as Record<string, unknown>;
  };
  const cost = (usage: Usage, price: Pricing) => costNanoUsd(usage, price);

  it('non-streaming: the reported usage, priced with cached input apart, in the header and body', async () => {
    upA.enqueue({ type: 'text', text: 'Counted.', usage: { input: 100, output: 20, cached: 40 } });
    const { data, response } = await openai.chat.completions
      .create({ model: 'single', messages })
      .withResponse();
    const expected = cost(makeUsage(100, 20, { cachedInputTokens: 40 }), PRICE_A);
    expect(expected).toBe(24_000);
    expect(nanos(response.headers.get('x-gateway-cost-usd') ?? undefined)).toBe(expected);
    expect(response.headers.get('x-gateway-usage-estimated')).toBeNull();
    const usage = data.usage as unknown as Record<string, unknown>;
    expect(usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20 });
    expect(nanos(usage.cost_usd as number)).toBe(expected);
    expect(usage.estimated).toBeUndefined();
    const id = response.headers.get('x-request-id') as string;
    costs.set(id, expected);
    expect(await waitForLine(id)).toMatchObject({
      inputTokens: 100,
      outputTokens: 20,
      cachedInputTokens: 40,
      costUsd: 0.000024,
      finishReason: 'stop',
    });
  });

  it('streaming: the usage chunk carries the cost (the SDK ignores the extra field)', async () => {
    upA.enqueue({ type: 'text', text: 'A streamed answer.', usage: { input: 30, output: 7 } });
    const stream = await openai.chat.completions
      .create({ model: 'single', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let usage: Record<string, unknown> | undefined;
    let text = '';
    for await (const chunk of stream.data) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage as unknown as Record<string, unknown>;
    }
    expect(text).toBe('A streamed answer.');
    const expected = cost(makeUsage(30, 7), PRICE_A);
    expect(usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 7 });
    expect(nanos(usage?.cost_usd as number)).toBe(expected);
    const id = stream.response.headers.get('x-request-id') as string;
    costs.set(id, expected);
    expect(await waitForLine(id)).toMatchObject({
      inputTokens: 30,
      outputTokens: 7,
      stream: 'completed',
    });
  });

  it('streaming without include_usage: the gateway still asks upstream and strips the chunk', async () => {
    upA.enqueue({ type: 'text', text: 'No usage asked.', usage: { input: 9, output: 4 } });
    const result = await postSse(
      `${gateway.url}/v1/chat/completions`,
      { model: 'single', messages, stream: true },
      { authorization: `Bearer ${CALLER_KEY}` },
    );
    const upstreamBody = upA.requests.at(-1)?.body as Record<string, unknown>;
    expect(upstreamBody.stream_options).toEqual({ include_usage: true });
    const chunks = result.events.filter((e): e is Record<string, unknown> => typeof e === 'object');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    const id = result.headers['x-request-id'] as string;
    costs.set(id, cost(makeUsage(9, 4), PRICE_A));
    expect(await waitForLine(id)).toMatchObject({
      inputTokens: 9,
      outputTokens: 4,
      costUsd: 0.00000375,
    });
  });

  it('a stream the client cancelled: counted from what the gateway received, flagged estimated', async () => {
    upA.enqueue({ type: 'stall_mid', afterChunks: 2, ms: 5000 });
    const received = await new Promise<{ id: string; content: string }>((resolve, reject) => {
      const req = httpRequest(
        `${gateway.url}/v1/chat/completions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_KEY}` },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf-8');
          res.on('data', (data: string) => {
            body += data;
            const contents = [...body.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]);
            if (contents.filter(Boolean).length >= 2) {
              req.destroy();
              resolve({ id: res.headers['x-request-id'] as string, content: contents.join('') });
            }
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', (error) =>
        error.message.includes('socket hang up') ? undefined : reject(error),
      );
      req.end(JSON.stringify({ model: 'single', messages, stream: true }));
    });
    const line = await waitForLine(received.id);
    const output = counter.countText(received.content, 'gpt-4o-mini');
    expect(received.content).toBe(pieces('Hello from the fake upstream.').slice(0, 2).join(''));
    expect(line).toMatchObject({
      stream: 'cancelled',
      inputTokens: inputA,
      outputTokens: output,
      estimated: true,
    });
    const expected = cost(makeUsage(inputA, output), PRICE_A);
    expect(nanos(line.costUsd as number)).toBe(expected);
    costs.set(received.id, expected);
    upA.requests.length = 0;
  });

  it('a stream the upstream cut: an error event, no [DONE], and the counted usage billed', async () => {
    upA.enqueue({ type: 'cut', afterChunks: 3 });
    const result = await postSse(
      `${gateway.url}/v1/chat/completions`,
      { model: 'chain', messages, stream: true, stream_options: { include_usage: true } },
      { authorization: `Bearer ${CALLER_KEY}` },
    );
    expect(result.events.at(-1)).toMatchObject({ error: { code: 'upstream_stream_cut' } });
    expect(result.events).not.toContain('[DONE]');
    const sent = result.events
      .map(
        (e) =>
          (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ??
          '',
      )
      .join('');
    const id = result.headers['x-request-id'] as string;
    const line = await waitForLine(id);
    const output = counter.countText(sent, 'gpt-4o-mini');
    expect(line).toMatchObject({
      stream: 'cut',
      inputTokens: inputA,
      outputTokens: output,
      estimated: true,
    });
    const expected = cost(makeUsage(inputA, output), PRICE_A);
    expect(nanos(line.costUsd as number)).toBe(expected);
    costs.set(id, expected);
  });

  it('retried: the refused attempt costs nothing, one that streamed before failing is billed', async () => {
    upA.enqueue(
      { type: 'error', status: 500, message: 'boom' },
      { type: 'text', text: 'Second time lucky.', usage: { input: 50, output: 5 } },
    );
    const first = await openai.chat.completions
      .create({ model: 'single', messages })
      .withResponse();
    expect(first.response.headers.get('x-gateway-attempts')).toBe('2');
    const expected = cost(makeUsage(50, 5), PRICE_A);
    expect(nanos(first.response.headers.get('x-gateway-cost-usd') ?? undefined)).toBe(expected);
    costs.set(first.response.headers.get('x-request-id') as string, expected);

    // a stream that opened (its role chunk came) and broke before content: its prompt was read
    upA.enqueue(
      { type: 'cut', afterChunks: 0 },
      { type: 'text', text: 'Retried stream.', usage: { input: 50, output: 4 } },
    );
    const result = await postSse(
      `${gateway.url}/v1/chat/completions`,
      { model: 'single', messages, stream: true, stream_options: { include_usage: true } },
      { authorization: `Bearer ${CALLER_KEY}` },
    );
    expect(result.events.at(-1)).toBe('[DONE]');
    const usageChunk = result.events.find(
      (e) => typeof e === 'object' && (e as { usage?: unknown }).usage,
    ) as { usage: Record<string, unknown> };
    const retried = cost(makeUsage(inputA, 0), PRICE_A) + cost(makeUsage(50, 4), PRICE_A);
    // the chunk's usage is the answer's; its cost is the whole request's
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 4 });
    expect(nanos(usageChunk.usage.cost_usd as number)).toBe(retried);
    const id = result.headers['x-request-id'] as string;
    expect(await waitForLine(id)).toMatchObject({
      attempts: 2,
      inputTokens: inputA + 50,
      outputTokens: 4,
      estimated: true,
    });
    costs.set(id, retried);
  });

  it('fallen back: priced at the deployment that answered', async () => {
    upA.enqueue({ type: 'error', status: 503, message: 'busy' });
    upB.enqueue({ type: 'text', text: 'From b.', usage: { input: 40, output: 3 } });
    const { response } = await openai.chat.completions
      .create({ model: 'chain', messages })
      .withResponse();
    expect(response.headers.get('x-gateway-deployment')).toBe('b');
    const expected = cost(makeUsage(40, 3), PRICE_B);
    expect(nanos(response.headers.get('x-gateway-cost-usd') ?? undefined)).toBe(expected);
    costs.set(response.headers.get('x-request-id') as string, expected);
  });

  it('hedged: the winner as reported, the loser aborted in flight billed its counted prompt', async () => {
    upA.enqueue({ type: 'stall', ms: 3000 });
    upB.enqueue({ type: 'text', text: 'Hedge won.', usage: { input: 40, output: 3 } });
    const { response } = await openai.chat.completions
      .create({ model: 'hedged', messages })
      .withResponse();
    expect(response.headers.get('x-gateway-hedged')).toBe('true');
    expect(response.headers.get('x-gateway-usage-estimated')).toBe('true');
    const expected = cost(makeUsage(inputA, 0), PRICE_A) + cost(makeUsage(40, 3), PRICE_B);
    expect(nanos(response.headers.get('x-gateway-cost-usd') ?? undefined)).toBe(expected);
    const id = response.headers.get('x-request-id') as string;
    expect(await waitForLine(id)).toMatchObject({ inputTokens: inputA + 40, outputTokens: 3 });
    costs.set(id, expected);
    expect(inputB).toBeGreaterThan(0);
  });

  it('exposes the GenAI histograms and gateway series as valid Prometheus text', async () => {
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const metrics = parseMetrics(await res.text());
    expect(metrics.type('gen_ai_client_token_usage')).toBe('histogram');
    expect(metrics.type('gen_ai_client_operation_duration_seconds')).toBe('histogram');
    expect(metrics.type('gen_ai_client_operation_time_to_first_chunk_seconds')).toBe('histogram');
    expect(metrics.type('gateway_overhead_seconds')).toBe('histogram');
    const inputOfA = metrics
      .samples('gen_ai_client_token_usage_count')
      .find((m) => m.labels.gen_ai_token_type === 'input' && m.labels.deployment === 'a');
    expect(inputOfA?.labels).toEqual({
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
      gen_ai_token_type: 'input',
      deployment: 'a',
    });
    expect(inputOfA?.value).toBeGreaterThanOrEqual(8);
    // token buckets reach far enough for long prompts; duration buckets for minutes-long answers
    const les = (name: string) => new Set(metrics.samples(name).map((m) => m.labels.le));
    expect(les('gen_ai_client_token_usage_bucket')).toContain('1048576');
    expect(les('gen_ai_client_operation_duration_seconds_bucket')).toContain('163.84');
    expect(
      metrics.samples('gen_ai_client_operation_time_to_first_chunk_seconds_count').length,
    ).toBeGreaterThan(0);
    // the cost counter adds up to the per-request costs (to float precision)
    const totalCost = metrics
      .samples('gateway_cost_usd_total')
      .reduce((sum, m) => sum + m.value, 0);
    const reported = [...costs.values()].reduce((a, b) => a + b, 0);
    expect(Math.round(totalCost * 1e9)).toBe(reported);
    const attempts = metrics.samples('gateway_attempts_total');
    expect(
      attempts.find((m) => m.labels.kind === 'hedge' && m.labels.deployment === 'b')?.value,
    ).toBe(1);
    expect(
      attempts.find((m) => m.labels.kind === 'first' && m.labels.outcome === 'lost')?.value,
    ).toBe(1);
    expect(metrics.samples('gateway_retries_total')[0]?.value).toBe(2);
    // answered by a target after the first: the fallback, and the hedge that won on b
    expect(metrics.samples('gateway_fallbacks_total')).toEqual([
      { labels: { route: 'chain', deployment: 'b' }, value: 1 },
      { labels: { route: 'hedged', deployment: 'b' }, value: 1 },
    ]);
    const outcomes = metrics.samples('gateway_stream_outcomes_total').map((m) => m.labels.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['cancelled', 'completed', 'cut']));
    expect(
      metrics.samples('gateway_requests_total').every((m) => m.labels.tenant === 'default'),
    ).toBe(true);
    // bounded labels: no request ids anywhere
    for (const id of costs.keys())
      expect(await (await fetch(`${gateway.url}/metrics`)).text()).not.toContain(id);
  });

  it('GET /v1/usage: the totals equal the sum of the per-request costs, estimated ones counted', async () => {
    const res = await fetch(`${gateway.url}/v1/usage?group_by=route`, {
      headers: { authorization: `Bearer ${CALLER_KEY}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { route: string; requests: number; cost_usd: string; estimated_attempts: number }[];
      total: { requests: number; cost_usd: string; estimated_attempts: number };
    };
    const reported = [...costs.values()].reduce((a, b) => a + b, 0);
    expect(nanos(body.total.cost_usd)).toBe(reported);
    expect(body.total.requests).toBe(costs.size);
    // the cancelled and cut streams, the retried stream's first attempt, the lost hedge
    expect(body.total.estimated_attempts).toBe(4);
    const byRoute = new Map(body.data.map((row) => [row.route, nanos(row.cost_usd)]));
    expect([...byRoute.keys()].sort()).toEqual(['chain', 'hedged', 'single']);
  });

  it('writes no secret to any log line: not the caller key, not the upstream key', async () => {
    // a key in a header the gateway does not know, in the body, and in an upstream error message
    upA.enqueue({ type: 'error', status: 400, message: `bad key ${UPSTREAM_KEY} in request` });
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${CALLER_KEY}`,
        'x-custom-token': CALLER_KEY,
      },
      body: JSON.stringify({
        model: 'single',
        messages: [{ role: 'user', content: `my key is ${CALLER_KEY}` }],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(UPSTREAM_KEY);
    await waitFor(
      () => requestLines(gateway).some((l) => l.requestId === res.headers.get('x-request-id')),
      5000,
    );
    const raw = gateway.rawLogs();
    expect(raw).not.toContain(CALLER_KEY);
    expect(raw).not.toContain(UPSTREAM_KEY);
    expect(raw).not.toContain('SECRETkey');
    // attempt lines at debug level carry each attempt's tokens and cost
    expect(gateway.logs.some((l) => l.message === 'attempt' && l.deployment === 'a')).toBe(true);
  });
});
