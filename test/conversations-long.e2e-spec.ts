import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countChatCompletionTokens } from 'gpt-tokenizer/model/gpt-4o-mini';
import { DefaultTokenCounter, SUMMARY_PREFIX } from '@app/context';
import type { Message } from '@app/core';
import type { FakeUpstream } from './fakes/fake-upstream';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import { startGateway, type RunningGateway } from './support/gateway-harness';

/**
 * The key acceptance test of server-side conversations: a 300-turn support conversation on a
 * deployment with a 2,048-token window. The `summarize` policy must keep every request within the
 * window, keep the newest turns verbatim, and call the summarizer once per threshold crossing (a
 * cached summary is reused until it no longer fits), never once per turn.
 */

const TURNS = 300;
const WINDOW = 2048;
const MAX_OUTPUT = 256;
const RESERVE = 256;
const MAIN_MODEL = 'gpt-4o-mini';
const SUMMARY_MODEL = 'gpt-4o-mini-summary';
const SYSTEM = 'You are the support agent of Acme Parcels. Answer briefly and precisely.';

/** ~19 tokens with framing */
const userTurn = (i: number) => `Turn ${i}: is order A-${10000 + i} on its way yet?`;
/** ~27 tokens of text, ~31 with framing */
const assistantTurn = (i: number) =>
  `Reply ${i}: yes, order A-${10000 + i} left our warehouse today; the carrier expects to deliver it within two business days.`;
/** what the summary model answers on its n-th call (1-based) */
const summaryText = (n: number) =>
  `Summary ${n}: the customer asked, order by order from A-10001 on, whether each order had ` +
  `shipped; every order asked about so far left the warehouse, delivery within two business days.`;

interface WireMessage {
  role: string;
  content: string;
}

interface TurnRecord {
  turn: number;
  status: number;
  /** x-gateway-context, when the policy changed the request */
  contextHeader: string | null;
  /** requests the summary model got during this turn */
  summaryCalls: number;
}

describe('a 300-turn conversation in a 2,048-token window (summarize policy)', () => {
  let main: FakeUpstream;
  let summarizer: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conversations-long-'));
    main = await startFakeOpenAiUpstream();
    summarizer = await startFakeOpenAiUpstream();
    config = `
server:
  heartbeatMs: 15000
providers:
  - { name: main, type: openai, baseUrl: ${main.url}/v1, apiKey: test-key }
  - { name: cheap, type: openai, baseUrl: ${summarizer.url}/v1, apiKey: test-key }
deployments:
  - name: mini@main
    provider: main
    model: ${MAIN_MODEL}
    contextWindow: ${WINDOW}
    maxOutputTokens: ${MAX_OUTPUT}
  - name: summary@cheap
    provider: cheap
    model: ${SUMMARY_MODEL}
    contextWindow: 16384
    maxOutputTokens: 1024
routes:
  support-chat:
    targets: [mini@main]
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 }
  support-summary:
    targets: [summary@cheap]
    retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 }
prompts: { dir: prompts, watch: false }
conversations:
  defaultModel: support-chat
  context: { policy: summarize, summarizeWith: support-summary, reserveOutputTokens: ${RESERVE} }
storage: { sqlitePath: ${join(dir, 'long.db')} }
`;
    gateway = await startGateway(config);
  });
  afterAll(async () => {
    await gateway.close();
    await main.close();
    await summarizer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits every request, keeps the newest turns verbatim and summarises once per threshold crossing', async () => {
    // the summary model answers a distinct summary on each call, whenever it is called
    for (let n = 1; n <= 100; n++) summarizer.enqueue({ type: 'text', text: summaryText(n) });

    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { res, json: (await res.json()) as Record<string, unknown> };
    };

    const started = Date.now();
    const created = await post('/v1/conversations', { system: SYSTEM, title: 'Long one' });
    expect(created.res.status).toBe(201);
    const id = created.json.id as string;

    const turns: TurnRecord[] = [];
    const replies: { user_message: { seq: number }; message: { seq: number; content: string } }[] =
      [];
    for (let turn = 1; turn <= TURNS; turn++) {
      main.enqueue({ type: 'text', text: assistantTurn(turn), usage: { input: 900, output: 30 } });
      const summaryBefore = summarizer.requests.length;
      const { res, json } = await post(`/v1/conversations/${id}/messages`, {
        content: userTurn(turn),
        stream: false,
      });
      turns.push({
        turn,
        status: res.status,
        contextHeader: res.headers.get('x-gateway-context'),
        summaryCalls: summarizer.requests.length - summaryBefore,
      });
      replies.push(json as (typeof replies)[number]);
    }
    const elapsedMs = Date.now() - started;

    // ---- every response succeeded, and the history holds all 600 messages ---------------------
    expect(turns.filter((t) => t.status !== 200)).toEqual([]);
    replies.forEach((reply, index) => {
      expect(reply.user_message.seq).toBe(2 * index + 1);
      expect(reply.message).toMatchObject({
        seq: 2 * index + 2,
        content: assistantTurn(index + 1),
      });
    });
    const history = (await (await fetch(`${gateway.url}/v1/conversations/${id}`)).json()) as {
      message_count: number;
      messages: { seq: number; role: string; content: string; status: string }[];
    };
    expect(history.message_count).toBe(2 * TURNS);
    expect(history.messages).toHaveLength(2 * TURNS);
    history.messages.forEach((message, index) => {
      const turn = Math.floor(index / 2) + 1;
      expect(message).toMatchObject({
        seq: index + 1,
        role: index % 2 === 0 ? 'user' : 'assistant',
        content: index % 2 === 0 ? userTurn(turn) : assistantTurn(turn),
        status: 'complete',
      });
    });

    // ---- what the main model received: one request per turn, each within the window ------------
    expect(main.requests).toHaveLength(TURNS);
    const counter = new DefaultTokenCounter();
    const fullHistory: WireMessage[] = [];
    const summaryPerTurn: (string | undefined)[] = [];
    let maxTokens = 0;
    let minVerbatimTurns = Infinity;
    let firstSummaryTurn: number | undefined;
    main.requests.forEach((request, index) => {
      const turn = index + 1;
      fullHistory.push({ role: 'user', content: userTurn(turn) });
      const body = request.body as { model: string; messages: WireMessage[] };
      expect(body.model).toBe(MAIN_MODEL);
      const messages = body.messages;

      // the gateway's own counter, cross-checked with gpt-tokenizer's chat count
      const tokens = counter.countMessages(messages as Message[], MAIN_MODEL);
      expect(countChatCompletionTokens!({ messages })).toBe(tokens);
      expect(tokens + RESERVE).toBeLessThanOrEqual(WINDOW);
      maxTokens = Math.max(maxTokens, tokens);

      // system prompt first; at most one summary, right after it
      expect(messages[0]).toEqual({ role: 'system', content: SYSTEM });
      const summaries = messages.filter(
        (m) => m.role === 'system' && m.content.startsWith(SUMMARY_PREFIX),
      );
      expect(summaries.length).toBeLessThanOrEqual(1);
      const summary = summaries[0]?.content;
      if (summary !== undefined) {
        expect(messages[1].content).toBe(summary);
        firstSummaryTurn ??= turn;
      }
      summaryPerTurn.push(summary);

      // the rest is the newest part of the history, verbatim, starting at a user turn and
      // ending with the turn just posted
      const verbatim = messages.slice(summary === undefined ? 1 : 2);
      expect(verbatim).toEqual(fullHistory.slice(fullHistory.length - verbatim.length));
      expect(verbatim[0].role).toBe('user');
      expect(verbatim.at(-1)).toEqual({ role: 'user', content: userTurn(turn) });
      if (summary === undefined) expect(verbatim).toEqual(fullHistory);
      const keptTurns = (verbatim.length - 1) / 2; // complete turns before the new one
      expect(keptTurns).toBeGreaterThanOrEqual(Math.min(3, turn - 1));
      if (summary !== undefined) minVerbatimTurns = Math.min(minVerbatimTurns, keptTurns);

      // the header reports the same count the upstream received
      const header = turns[index].contextHeader;
      if (summary === undefined) {
        expect(header).toBeNull();
      } else {
        expect(header).toMatch(/^policy=summarize; /);
        expect(header).toContain(`; after=${tokens}; `);
        expect(header).toContain(`; window=${WINDOW}`);
      }

      fullHistory.push({ role: 'assistant', content: assistantTurn(turn) });
    });

    // ---- the summarizer: once per threshold crossing, not per turn -----------------------------
    const summaryCalls = summarizer.requests.length;
    expect(summaryCalls).toBeGreaterThanOrEqual(2);
    expect(summaryCalls).toBeLessThan(20);
    for (const request of summarizer.requests) {
      const body = request.body as {
        model: string;
        max_completion_tokens?: number;
        max_tokens?: number;
      };
      expect(body.model).toBe(SUMMARY_MODEL);
      // the summary prompt's maxTokens (400) or less
      expect(body.max_completion_tokens ?? body.max_tokens).toBeLessThanOrEqual(400);
    }
    // each call extends the previous summary with the newly covered turns
    summarizer.requests.forEach((request, index) => {
      const prompt = (request.body as { messages: WireMessage[] }).messages
        .map((m) => m.content)
        .join('\n');
      if (index > 0) expect(prompt).toContain(summaryText(index));
      expect(prompt).not.toContain(summaryText(index + 1));
    });
    // the turns at which the summary sent to the main model changed are exactly the turns that
    // called the summarizer, one call each, and the k-th summary is the k-th answer
    const changedAt: number[] = [];
    const distinct: string[] = [];
    summaryPerTurn.forEach((summary, index) => {
      if (summary !== undefined && summary !== summaryPerTurn[index - 1]) {
        changedAt.push(index + 1);
        distinct.push(summary);
      }
    });
    const calledAt = turns.filter((t) => t.summaryCalls > 0).map((t) => t.turn);
    expect(turns.every((t) => t.summaryCalls <= 1)).toBe(true);
    expect(calledAt).toEqual(changedAt);
    expect(new Set(distinct).size).toBe(summaryCalls);
    expect(distinct).toEqual(distinct.map((_s, k) => `${SUMMARY_PREFIX}${summaryText(k + 1)}`));
    // a turn that reuses the cached summary says so
    for (const t of turns) {
      if (t.contextHeader === null) continue;
      expect(t.contextHeader.includes('cached=true')).toBe(!calledAt.includes(t.turn));
    }
    const gaps = calledAt.slice(1).map((turn, i) => turn - calledAt[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10);

    console.log(
      [
        `300-turn conversation, window ${WINDOW}, reserve ${RESERVE} (prompt budget ${WINDOW - RESERVE}):`,
        `  responses: ${turns.filter((t) => t.status === 200).length}/${TURNS} succeeded; stored messages: ${history.messages.length}`,
        `  summarizer calls: ${summaryCalls} (at turns ${calledAt.join(', ')}); first summary at turn ${firstSummaryTurn}; gaps ${Math.min(...gaps)}-${Math.max(...gaps)} turns`,
        `  distinct summaries sent to ${MAIN_MODEL}: ${distinct.length}`,
        `  max prompt tokens sent: ${maxTokens} + reserve ${RESERVE} = ${maxTokens + RESERVE} <= ${WINDOW}`,
        `  fewest verbatim turns kept before the new one once summarising: ${minVerbatimTurns}`,
        `  total time: ${elapsedMs} ms (${(elapsedMs / TURNS).toFixed(1)} ms per turn)`,
      ].join('\n'),
    );
  }, 120_000);

  it('after a restart, the long conversation goes on from the summary kept in the store', async () => {
    await gateway.close();
    gateway = await startGateway(config);
    const list = (await (await fetch(`${gateway.url}/v1/conversations`)).json()) as {
      data: { id: string }[];
    };
    const id = list.data[0].id;
    const summaryCallsBefore = summarizer.requests.length;
    const mainCallsBefore = main.requests.length;
    main.enqueue({ type: 'text', text: assistantTurn(TURNS + 1) });
    const res = await fetch(`${gateway.url}/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: userTurn(TURNS + 1), stream: false }),
    });
    expect(res.status).toBe(200);
    // no summary was made again: the one covering the older turns came from the database
    expect(summarizer.requests.length).toBe(summaryCallsBefore);
    expect(res.headers.get('x-gateway-context')).toContain('cached=true');
    expect(main.requests.length).toBe(mainCallsBefore + 1);
    const sent = (main.requests[main.requests.length - 1].body as { messages: WireMessage[] })
      .messages;
    const tokens = new DefaultTokenCounter().countMessages(sent as Message[], MAIN_MODEL);
    expect(tokens + RESERVE).toBeLessThanOrEqual(WINDOW);
    expect(sent.some((m) => m.content.startsWith(SUMMARY_PREFIX))).toBe(true);
    expect(sent[sent.length - 1].content).toBe(userTurn(TURNS + 1));
  }, 60_000);
});
