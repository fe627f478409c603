import OpenAI from 'openai';
import { startFakeAnthropicUpstream } from './fakes/anthropic-upstream';
import type { FakeUpstream } from './fakes/fake-upstream';
import { rateLimited, type RetryHint } from './fakes/faults';
import { startFakeGeminiUpstream } from './fakes/gemini-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';
import { postSse } from './support/sse-client';

/**
 * Resilience end to end: real sockets between the official OpenAI SDK, the gateway and fake
 * upstreams that inject seeded faults (test/fakes/faults.ts).
 */

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello there' }];

function sdk(gateway: RunningGateway): OpenAI {
  // the SDK's own retries are off: every retry counted here is the gateway's
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

/** Runs `total` calls of `task` with at most `concurrency` in flight. */
async function pool<T>(total: number, concurrency: number, task: (i: number) => Promise<T>) {
  const results: T[] = new Array<T>(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Two OpenAI fakes (providers `one` and `two`) behind a gateway with `rest` as the rest of the YAML. */
interface Pair {
  one: FakeUpstream;
  two: FakeUpstream;
  gateway: RunningGateway;
}

function pairOfUpstreams(rest: string): { get: () => Pair } {
  let pair: Pair | undefined;
  beforeAll(async () => {
    const one = await startFakeOpenAiUpstream();
    const two = await startFakeOpenAiUpstream();
    const gateway = await startGateway(`
providers:
  - { name: one, type: openai, baseUrl: ${one.url}/v1, apiKey: test-key }
  - { name: two, type: openai, baseUrl: ${two.url}/v1, apiKey: test-key }
${rest}`);
    pair = { one, two, gateway };
  });
  afterAll(async () => {
    await pair?.gateway.close();
    await pair?.one.close();
    await pair?.two.close();
  });
  return {
    get: () => {
      if (pair === undefined) throw new Error('the upstreams are not started yet');
      return pair;
    },
  };
}

describe('fallback across providers under 30% faults on each', () => {
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    openai = await startFakeOpenAiUpstream();
    anthropic = await startFakeAnthropicUpstream();
    const weights = { rate_limited: 1, server_error: 1, overloaded: 1, reset: 1, cut: 1 };
    openai.setFaults({ seed: 11, rate: 0.3, weights });
    anthropic.setFaults({ seed: 29, rate: 0.3, weights });
    gateway = await startGateway(`
providers:
  - { name: oa, type: openai, baseUrl: ${openai.url}/v1, apiKey: test-key }
  - { name: an, type: anthropic, baseUrl: ${anthropic.url}, apiKey: test-key }
deployments:
  - { name: gpt@oa, provider: oa, model: gpt-4o-mini }
  - { name: claude@an, provider: an, model: claude-haiku-4-5 }
routes:
  chat:
    targets: [gpt@oa, claude@an]
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 }
`);
  });
  afterAll(async () => {
    await gateway.close();
    await openai.close();
    await anthropic.close();
  });

  it('answers at least 99.5% of 2,000 requests with at most 1.6 upstream calls each', async () => {
    const client = sdk(gateway);
    const total = 2000;
    const outcomes = await pool(total, 25, async () => {
      try {
        const completion = await client.chat.completions.create({ model: 'chat', messages });
        return completion.choices[0].message.content ? 'ok' : 'empty';
      } catch (error) {
        return error instanceof OpenAI.APIError ? `error ${error.status}` : 'error';
      }
    });
    const succeeded = outcomes.filter((outcome) => outcome === 'ok').length;
    const failures = new Map<string, number>();
    for (const outcome of outcomes) {
      if (outcome !== 'ok') failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
    }
    const upstreamCalls = openai.requests.length + anthropic.requests.length;
    const injected = Object.values(openai.faultsInjected).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `resilience: ${succeeded}/${total} succeeded, ${upstreamCalls} upstream calls ` +
        `(${(upstreamCalls / total).toFixed(3)} per request), ${injected} faults on the first target; ` +
        `failures: ${JSON.stringify([...failures])}\n`,
    );
    expect(injected).toBeGreaterThan(400);
    expect(succeeded / total).toBeGreaterThanOrEqual(0.995);
    expect(upstreamCalls / total).toBeLessThanOrEqual(1.6);
    // the fallback really crossed providers (the same ChatRequest in Anthropic's wire format)
    expect(anthropic.requests.length).toBeGreaterThan(100);
    expect(anthropic.requests[0].body).toMatchObject({ model: 'claude-haiku-4-5' });
  }, 120_000);
});

describe('retry hints', () => {
  interface HintCase {
    name: string;
    type: 'openai' | 'azure-openai' | 'gemini';
    hint: (now: number) => RetryHint;
    /** the wait the hint asks for, measured from when the 429 was sent */
    expectedMs: (sentAt: number, hint: RetryHint) => number;
  }
  const fixed = (ms: number) => () => ms;
  const CASES: HintCase[] = [
    {
      name: 'retry-after: 2',
      type: 'openai',
      hint: () => ({ kind: 'retry-after-seconds', seconds: 2 }),
      expectedMs: fixed(2000),
    },
    {
      name: 'retry-after-ms',
      type: 'openai',
      hint: () => ({ kind: 'retry-after-ms', ms: 1500 }),
      expectedMs: fixed(1500),
    },
    {
      name: 'retry-after as an HTTP date',
      type: 'openai',
      // a whole second at least 2 s ahead (HTTP dates have second precision)
      hint: (now) => ({
        kind: 'retry-after-date',
        at: new Date(Math.ceil((now + 2000) / 1000) * 1000),
      }),
      expectedMs: (sentAt, hint) =>
        hint.kind === 'retry-after-date' ? hint.at.getTime() - sentAt : 0,
    },
    {
      name: 'x-ms-retry-after-ms (Azure)',
      type: 'azure-openai',
      hint: () => ({ kind: 'x-ms-retry-after-ms', ms: 1800 }),
      expectedMs: fixed(1800),
    },
    {
      name: 'Gemini RetryInfo.retryDelay',
      type: 'gemini',
      hint: () => ({ kind: 'gemini-retry-delay', seconds: 2 }),
      expectedMs: fixed(2000),
    },
  ];

  /** A fake of the case's type behind a gateway with one route `m`; both closed afterwards. */
  async function withGateway(
    testCase: HintCase,
    run: (fake: FakeUpstream, gateway: RunningGateway) => Promise<void>,
  ): Promise<void> {
    const fake =
      testCase.type === 'gemini'
        ? await startFakeGeminiUpstream()
        : await startFakeOpenAiUpstream();
    const base = testCase.type === 'openai' ? `${fake.url}/v1` : fake.url;
    const extra = testCase.type === 'azure-openai' ? ', apiVersion: 2024-10-21' : '';
    const gateway = await startGateway(`
providers:
  - { name: up, type: ${testCase.type}, baseUrl: ${base}, apiKey: test-key${extra} }
deployments:
  - { name: m@up, provider: up, model: m }
routes:
  m:
    targets: [m@up]
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 }
`);
    try {
      await run(fake, gateway);
    } finally {
      await gateway.close();
      await fake.close();
    }
  }

  /** POSTs a chat completion with the deadline header set to `timeout`. */
  const postWithTimeout = (gateway: RunningGateway, timeout: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gateway-timeout-ms': timeout },
      body: JSON.stringify({ model: 'm', messages }),
    });

  it.each(CASES)('waits for $name (within 10%)', (testCase) =>
    withGateway(testCase, async (fake, gateway) => {
      const hint = testCase.hint(Date.now());
      fake.enqueue(rateLimited(hint));
      const client = sdk(gateway);
      const call = client.chat.completions.create({ model: 'm', messages });
      await waitFor(() => fake.requests.length === 1, 5000);
      const sentAt = Date.now();
      await waitFor(() => fake.requests.length === 2, 10_000);
      const waited = Date.now() - sentAt;
      await expect(call).resolves.toMatchObject({ object: 'chat.completion' });
      const expected = testCase.expectedMs(sentAt, hint);
      expect(Math.abs(waited - expected)).toBeLessThanOrEqual(expected * 0.1);
    }),
  );

  it('fails fast with 503 and Retry-After when the hint is past the deadline', () =>
    withGateway(CASES[0], async (fake, gateway) => {
      fake.enqueue(rateLimited({ kind: 'retry-after-seconds', seconds: 5 }));
      const begun = Date.now();
      const response = await postWithTimeout(gateway, '1000');
      const elapsed = Date.now() - begun;
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ error: { type: 'overloaded_error' } });
      expect(elapsed).toBeLessThan(500);
      expect(fake.requests).toHaveLength(1);
    }));

  it('rejects a malformed x-gateway-timeout-ms with 400 naming the header', () =>
    withGateway(CASES[0], async (fake, gateway) => {
      const response = await postWithTimeout(gateway, 'soon');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', param: 'x-gateway-timeout-ms' },
      });
      expect(fake.requests).toHaveLength(0);
    }));
});

describe('circuit breaker', () => {
  const setup = pairOfUpstreams(`
deployments:
  - name: a@one
    provider: one
    model: a
    breaker: { consecutiveFailures: 3, coolDownMs: 400 }
  - { name: b@two, provider: two, model: b }
routes:
  chat:
    targets: [a@one, b@two]
    retry: { maxAttempts: 1 }
`);

  async function breakerState(): Promise<string | undefined> {
    const health = (await (await fetch(`${setup.get().gateway.url}/health/ready`)).json()) as {
      details: { upstreams: { breakers: { name: string; state: string }[] } };
    };
    return health.details.upstreams.breakers.find((breaker) => breaker.name === 'a@one')?.state;
  }

  async function breakerMetric(): Promise<string | undefined> {
    const text = await (await fetch(`${setup.get().gateway.url}/metrics`)).text();
    return /^gateway_breaker_state\{deployment="a@one"\} (\d)$/m.exec(text)?.[1];
  }

  it('opens after the configured failures, moves traffic, and closes after a good probe', async () => {
    const { one: primary, gateway } = setup.get();
    const client = sdk(gateway);
    primary.enqueue(
      { type: 'error', status: 500 },
      { type: 'error', status: 502 },
      { type: 'error', status: 503 },
    );
    for (let i = 0; i < 3; i += 1) {
      const { response } = await client.chat.completions
        .create({ model: 'chat', messages })
        .withResponse();
      expect(response.headers.get('x-gateway-deployment')).toBe('b@two');
      expect(response.headers.get('x-gateway-fallback')).toBe('true');
    }
    expect(await breakerState()).toBe('open');
    expect(await breakerMetric()).toBe('2');
    // open: the next request goes straight to the fallback
    const { response: skipped } = await client.chat.completions
      .create({ model: 'chat', messages })
      .withResponse();
    expect(skipped.headers.get('x-gateway-attempts')).toBe('1');
    expect(primary.requests).toHaveLength(3);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await breakerState()).toBe('half-open');
    const { response: probe } = await client.chat.completions
      .create({ model: 'chat', messages })
      .withResponse();
    expect(probe.headers.get('x-gateway-deployment')).toBe('a@one');
    expect(probe.headers.get('x-gateway-fallback')).toBe('false');
    expect(primary.requests).toHaveLength(4);
    expect(await breakerState()).toBe('closed');
    expect(await breakerMetric()).toBe('0');
  });
});

describe('hedged requests', () => {
  const setup = pairOfUpstreams(`
deployments:
  - { name: a@slow, provider: one, model: a }
  - { name: b@fast, provider: two, model: b }
routes:
  plain:
    targets: [a@slow, b@fast]
  hedged:
    targets: [a@slow, b@fast]
    hedge: { afterMs: 100 }
`);

  async function run(model: string, total: number): Promise<number[]> {
    const client = sdk(setup.get().gateway);
    return pool(total, 10, async () => {
      const begun = Date.now();
      await client.chat.completions.create({ model, messages });
      return Date.now() - begun;
    });
  }

  it('cuts the p99 by 3x or more, aborts the loser upstream, and stays within the retry budget', async () => {
    const { one: slow, two: fast, gateway } = setup.get();
    const total = 200;
    const tail = { probability: 0.1, ms: 2000 };
    slow.setFaults({ seed: 5, rate: 0, weights: {}, tail });
    const plain = await run('plain', total);
    const plainP99 = percentile(plain, 99);

    slow.setFaults({ seed: 5, rate: 0, weights: {}, tail });
    const slowBefore = slow.requests.length;
    const fastBefore = fast.requests.length;
    const abandonedBefore = slow.abandoned.length;
    const hedged = await run('hedged', total);
    const hedgedP99 = percentile(hedged, 99);
    const hedges = fast.requests.length - fastBefore;
    process.stdout.write(
      `hedging: p99 ${plainP99} ms without, ${hedgedP99} ms with (${(plainP99 / hedgedP99).toFixed(1)}x); ` +
        `${hedges} hedges for ${total} requests\n`,
    );
    expect(plainP99).toBeGreaterThanOrEqual(2000);
    expect(plainP99 / hedgedP99).toBeGreaterThanOrEqual(3);
    // every request went to the slow target first; hedges went to the fast one
    expect(slow.requests.length - slowBefore).toBe(total);
    // retry budget: 20% of the deployment's requests, at least 10 per window
    expect(hedges).toBeLessThanOrEqual(Math.max(10, Math.floor(0.2 * total)) + 10);
    expect(hedges).toBeGreaterThanOrEqual(10);
    // the slow attempts that lost were aborted upstream
    await waitFor(() => slow.abandoned.length - abandonedBefore >= hedges - 2, 10_000);
    // one log line per request says it was hedged (lines are written in batches)
    const hedgedLines = () =>
      requestLines(gateway).filter((line) => line.route === 'hedged' && line.hedged === true);
    await waitFor(() => hedgedLines().length === hedges);
    expect(hedgedLines().some((line) => line.fallback === true)).toBe(true);
  }, 60_000);
});

describe('streaming failover', () => {
  const setup = pairOfUpstreams(`
deployments:
  - { name: a@one, provider: one, model: a }
  - { name: b@two, provider: two, model: b }
routes:
  chat:
    targets: [a@one, b@two]
    retry: { maxAttempts: 1 }
`);

  const body = { model: 'chat', messages, stream: true };

  it('completes from the fallback when the stream is cut before the first token', async () => {
    const { one: primary, two: secondary, gateway } = setup.get();
    primary.enqueue({ type: 'cut', afterChunks: 0 });
    secondary.enqueue({ type: 'text', text: 'Complete answer from the fallback.' });
    const result = await postSse(`${gateway.url}/v1/chat/completions`, body);
    expect(result.status).toBe(200);
    const text = result.events
      .filter(
        (event): event is { choices: { delta: { content?: string } }[] } =>
          typeof event === 'object',
      )
      .map((event) => event.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Complete answer from the fallback.');
    expect(result.events[result.events.length - 1]).toBe('[DONE]');
    await waitFor(() => requestLines(gateway).length >= 1);
    expect(requestLines(gateway).at(-1)).toMatchObject({
      deployment: 'b@two',
      stream: 'completed',
    });
  });

  it('ends with an error event and no [DONE] when the stream is cut after the first token', async () => {
    const { one: primary, two: secondary, gateway } = setup.get();
    primary.enqueue({ type: 'cut', afterChunks: 2 });
    const before = requestLines(gateway).length;
    const result = await postSse(`${gateway.url}/v1/chat/completions`, body);
    expect(result.status).toBe(200);
    expect(result.events).not.toContain('[DONE]');
    expect(result.events[result.events.length - 1]).toMatchObject({
      error: { code: 'upstream_stream_cut' },
    });
    expect(secondary.requests.length).toBe(1);
    await waitFor(() => requestLines(gateway).length > before);
    expect(requestLines(gateway).at(-1)).toMatchObject({ deployment: 'a@one', stream: 'cut' });
  });
});
