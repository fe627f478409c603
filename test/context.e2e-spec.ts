import OpenAI from 'openai';
import { DefaultTokenCounter, OMISSION_MARKER } from '@app/context';
import type { Message } from '@app/core';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import type { FakeUpstream } from './fakes/fake-upstream';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';

/**
 * The context-window step over real sockets: each attempt's messages are fitted to its
 * deployment's window by the route's policy before anything leaves, and what was done shows in
 * the x-gateway-context header and the log line.
 */

const counter = new DefaultTokenCounter();

interface WireMessage {
  role: string;
  content: string | null;
}

function sentMessages(upstream: FakeUpstream, index: number): WireMessage[] {
  return (upstream.requests[index].body as { messages: WireMessage[] }).messages;
}

/** the prompt tokens of a recorded upstream request, counted as the gateway counts them */
function sentTokens(upstream: FakeUpstream, index: number): number {
  const messages = sentMessages(upstream, index).map(
    (m) => ({ role: m.role, content: m.content }) as Message,
  );
  return counter.countMessages(messages, 'gpt-4o-mini');
}

function turns(count: number): { role: 'user' | 'assistant'; content: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `Turn ${i + 1}: the customer and the agent talk about order ${1000 + i} and its delivery window in some detail.`,
  }));
}

function config(url: string): string {
  return `
providers:
  - { name: up, type: openai, baseUrl: ${url}/v1, apiKey: test-key }
deployments:
  - { name: small, provider: up, model: gpt-4o-mini, contextWindow: 600, maxOutputTokens: 100 }
  - { name: big, provider: up, model: gpt-4o-mini, contextWindow: 4000, maxOutputTokens: 100 }
  - { name: summary, provider: up, model: gpt-4o-mini-summary, contextWindow: 4000, maxOutputTokens: 200 }
routes:
  plain: { targets: [small] }
  truncating:
    targets: [small]
    context: { policy: truncate, reserveOutputTokens: 100 }
  middle:
    targets: [small]
    context: { policy: middle-out, reserveOutputTokens: 100 }
  big-then-small:
    targets: [big, small]
    retry: { maxAttempts: 1, baseDelayMs: 0 }
    context: { policy: truncate, reserveOutputTokens: 100 }
  small-then-big:
    targets: [small, big]
    retry: { maxAttempts: 1, baseDelayMs: 0 }
  retrieving:
    targets: [small]
    context: { policy: retrieve, reserveOutputTokens: 100, chunkTokens: 80, overlapTokens: 10 }
  mapping:
    targets: [small]
    context:
      policy: map-reduce
      reserveOutputTokens: 100
      summarizeWith: summarizer
      chunkTokens: 200
      overlapTokens: 20
      concurrency: 2
  summarizer: { targets: [summary] }
storage: { sqlitePath: ':memory:' }
`;
}

describe('context window management (e2e)', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAiUpstream();
    gateway = await startGateway(config(upstream.url));
    client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  beforeEach(() => {
    upstream.requests.length = 0;
  });

  it('reports the conversation store in readiness details', async () => {
    const ready = (await (await fetch(`${gateway.url}/health/ready`)).json()) as {
      details: { storage: { status: string; kind: string; reachable: boolean } };
    };
    expect(ready.details.storage).toMatchObject({ status: 'up', kind: 'sqlite', reachable: true });
  });

  it('refuses a request that cannot fit with 400 context_length_exceeded and the counts, before any upstream call', async () => {
    const error = await client.chat.completions
      .create({ model: 'plain', messages: [{ role: 'user', content: 'word '.repeat(800) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const body = (error as InstanceType<typeof OpenAI.BadRequestError>).error as {
      code: string;
      param: string;
      message: string;
    };
    expect(body.code).toBe('context_length_exceeded');
    expect(body.param).toBe('messages');
    expect(body.message).toMatch(/\d+/);
    expect(body.message).toContain('600');
    expect(upstream.requests).toHaveLength(0);
  });

  it('passes a request that fits unchanged, with no context header', async () => {
    const messages = turns(3);
    const response = await client.chat.completions
      .create({ model: 'truncating', messages })
      .withResponse();
    expect(response.response.headers.get('x-gateway-context')).toBeNull();
    expect(sentMessages(upstream, 0)).toEqual(messages);
  });

  it('truncate drops the oldest turns, keeps the system message and the newest turns, and says so', async () => {
    const messages = [
      { role: 'system' as const, content: 'You are a careful support agent.' },
      ...turns(40),
      { role: 'user' as const, content: 'So when does order 1039 arrive?' },
    ];
    const { response } = await client.chat.completions
      .create({ model: 'truncating', messages })
      .withResponse();
    const sent = sentMessages(upstream, 0);
    expect(sent[0]).toEqual(messages[0]);
    expect(sent[sent.length - 1]).toEqual(messages[messages.length - 1]);
    // the kept turns are the newest, verbatim and in order
    expect(messages.slice(-(sent.length - 1))).toEqual(sent.slice(1));
    expect(sent.length).toBeLessThan(messages.length);
    expect(sentTokens(upstream, 0) + 100).toBeLessThanOrEqual(600);
    const header = response.headers.get('x-gateway-context') ?? '';
    expect(header).toContain('policy=truncate');
    // a turn is a user message with the replies to it: 2 messages each here
    const droppedTurns = (messages.length - sent.length) / 2;
    expect(header).toContain(`dropped=${droppedTurns}`);
    expect(header).toContain('window=600');
    await waitFor(() => requestLines(gateway).some((l) => l.contextPolicy === 'truncate'));
    const line = requestLines(gateway).find((l) => l.contextPolicy === 'truncate');
    expect(line).toMatchObject({ turnsDropped: droppedTurns });
    expect(Number(line?.contextTokensBefore)).toBeGreaterThan(Number(line?.contextTokensAfter));
  });

  it('middle-out keeps the first exchange and the newest turns', async () => {
    const messages = [{ role: 'system' as const, content: 'Be brief.' }, ...turns(41)];
    await client.chat.completions.create({ model: 'middle', messages });
    const sent = sentMessages(upstream, 0);
    expect(sent[0]).toEqual(messages[0]);
    expect(sent[1]).toEqual(messages[1]);
    expect(sent[sent.length - 1]).toEqual(messages[messages.length - 1]);
    expect(sent.length).toBeLessThan(messages.length);
    expect(sentTokens(upstream, 0) + 100).toBeLessThanOrEqual(600);
  });

  it('fits every attempt to its own target: a fallback to a smaller window gets a shorter request', async () => {
    upstream.enqueue({ type: 'error', status: 503, message: 'busy' });
    const messages = [{ role: 'system' as const, content: 'Be brief.' }, ...turns(30)];
    const completion = await client.chat.completions.create({ model: 'big-then-small', messages });
    expect(completion.choices[0].message.content).toBeTruthy();
    expect(upstream.requests).toHaveLength(2);
    expect(sentMessages(upstream, 0)).toEqual(messages);
    expect(sentMessages(upstream, 1).length).toBeLessThan(messages.length);
    expect(sentTokens(upstream, 1) + 100).toBeLessThanOrEqual(600);
  });

  it('a route that rejects moves a request too large for its first target to a larger window', async () => {
    const messages = turns(30);
    const { response } = await client.chat.completions
      .create({ model: 'small-then-big', messages })
      .withResponse();
    // the small deployment refused locally: only the big one was called, with everything
    expect(upstream.requests).toHaveLength(1);
    expect(sentMessages(upstream, 0)).toEqual(messages);
    expect(response.headers.get('x-gateway-deployment')).toBe('big');
  });

  it('retrieve keeps the chunks of a long document that answer the question, in document order', async () => {
    const filler = (i: number) =>
      `Section ${i}. The warehouse handbook describes shelving, forklifts, safety shoes and pallet sizes in detail.`;
    const paragraphs = Array.from({ length: 60 }, (_, i) => filler(i));
    paragraphs[31] =
      'Section 31. Refunds for damaged parcels are paid within 14 days to the original card.';
    const document = paragraphs.join('\n\n');
    const question = 'How many days until a refund for a damaged parcel is paid?';
    const { response } = await client.chat.completions
      .create({
        model: 'retrieving',
        messages: [
          { role: 'user', content: document },
          { role: 'user', content: question },
        ],
      })
      .withResponse();
    const sent = sentMessages(upstream, 0);
    expect(sent[sent.length - 1].content).toBe(question);
    const kept = sent[0].content ?? '';
    expect(kept).toContain('Refunds for damaged parcels are paid within 14 days');
    expect(kept).toContain(OMISSION_MARKER);
    expect(kept.length).toBeLessThan(document.length);
    expect(sentTokens(upstream, 0) + 100).toBeLessThanOrEqual(600);
    expect(response.headers.get('x-gateway-context')).toContain('policy=retrieve');
  });

  it('map-reduce summarises the chunks of a long document through the summary route, then answers', async () => {
    const document = Array.from(
      { length: 40 },
      (_, i) => `Paragraph ${i}: the contract clause ${i} sets a fee of ${i * 10} euros per month.`,
    ).join('\n');
    const { response } = await client.chat.completions
      .create({
        model: 'mapping',
        messages: [{ role: 'user', content: `Summarise the fees:\n${document}` }],
      })
      .withResponse();
    const models = upstream.requests.map((r) => (r.body as { model: string }).model);
    const summaries = models.filter((m) => m === 'gpt-4o-mini-summary').length;
    expect(summaries).toBeGreaterThanOrEqual(2);
    // the answer comes last, from the main model, with the combined summaries in place of the text
    expect(models[models.length - 1]).toBe('gpt-4o-mini');
    const main = upstream.requests.length - 1;
    expect(sentTokens(upstream, main) + 100).toBeLessThanOrEqual(600);
    expect(response.headers.get('x-gateway-context')).toContain('policy=map-reduce');
  });
});
