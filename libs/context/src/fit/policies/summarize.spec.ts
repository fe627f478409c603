import { GatewayError, messageText, type Message } from '@app/core';
import { lastTurns, toolPairProblems } from '../../testing/assertions';
import {
  assistant,
  chatTurns,
  prose,
  system,
  toolExchange,
  user,
} from '../../testing/conversations';
import { seededRandom } from '../../testing/seeded-random';
import { DefaultTokenCounter } from '../../tokenizer/token-counter';
import { ContextFitter } from '../context-fitter';
import type { ContextTarget, FitRequest } from '../fit-types';
import { InMemorySummaryCache } from '../summary-cache';
import type { SummarizeInput, Summarizer } from '../summarizer';
import { SUMMARY_PREFIX } from './summarize';

/** Records its calls; the summary names the turns it covers so far. */
class FakeSummarizer implements Summarizer {
  readonly calls: SummarizeInput[] = [];
  constructor(private readonly reply?: (input: SummarizeInput) => string) {}

  async summarize(input: SummarizeInput): Promise<string> {
    this.calls.push(input);
    if (this.reply) return this.reply(input);
    const questions = input.messages
      .map((m) => /^Question (\d+)/.exec(messageText(m))?.[1])
      .filter((n): n is string => n !== undefined);
    const previous = input.previousSummary ? `${input.previousSummary} ` : '';
    return `${previous}[turns ${questions[0]}-${questions[questions.length - 1]}: ${prose(questions.length, 12)}]`;
  }
}

const counter = new DefaultTokenCounter();
const target: ContextTarget = {
  model: 'gpt-4o-mini',
  contextWindow: 8_192,
  maxOutputTokens: 16_384,
};
const options = { policy: 'summarize' as const, reserveOutputTokens: 1_024 };
const BUDGET = 8_192 - 1_024;

function request(messages: Message[], extra: Partial<FitRequest> = {}): FitRequest {
  return { messages, target, options, ...extra };
}

describe('summarize policy', () => {
  it('replaces older turns with one summary after the leading system messages', async () => {
    const summarizer = new FakeSummarizer();
    const fitter = new ContextFitter(counter, { summarizer });
    const messages = [
      system('You are a support agent.'),
      system('Tenant: acme'),
      ...chatTurns(60, 60),
      user('Where is my parcel?'),
    ];
    const { messages: fitted, report } = await fitter.fit(request(messages));

    expect(summarizer.calls).toHaveLength(1);
    expect(fitted.slice(0, 2)).toEqual(messages.slice(0, 2));
    expect(fitted[2].role).toBe('system');
    expect(messageText(fitted[2])).toMatch(new RegExp(`^${SUMMARY_PREFIX}\\[turns 0-\\d+: `));
    expect(fitted[3].role).toBe('user');
    // the rest is the original's tail, object for object
    const tail = fitted.slice(3);
    expect(tail).toEqual(messages.slice(messages.length - tail.length));
    expect(report).toMatchObject({
      applied: true,
      summaryCached: false,
      turnsSummarized: expect.any(Number),
    });
    expect(report.turnsSummarized).toBe(
      summarizer.calls[0].messages.filter((m) => m.role === 'user').length,
    );
    expect(report.tokensAfter).toBeLessThanOrEqual(BUDGET);
    // the kept turns use at most about half of the room
    const keptTokens = counter.countMessages(tail, target.model) - 3;
    expect(keptTokens).toBeLessThanOrEqual(BUDGET / 2);
    expect(summarizer.calls[0].previousSummary).toBeUndefined();
    expect(summarizer.calls[0].maxTokens).toBeLessThanOrEqual(1_024);
  });

  it('reuses the cached summary for the same history (no second call)', async () => {
    const summarizer = new FakeSummarizer();
    const fitter = new ContextFitter(counter, { summarizer });
    const messages = [system('s'), ...chatTurns(60, 60), user('next')];
    const first = await fitter.fit(request(messages));
    const again = await fitter.fit(request(JSON.parse(JSON.stringify(messages)) as Message[]));
    expect(summarizer.calls).toHaveLength(1);
    expect(again.report.summaryCached).toBe(true);
    expect(again.messages).toEqual(first.messages);
  });

  it('shares summaries through an injected cache', async () => {
    const cache = new InMemorySummaryCache();
    const messages = [system('s'), ...chatTurns(60, 60), user('next')];
    const a = new FakeSummarizer();
    const b = new FakeSummarizer();
    await new ContextFitter(counter, { summarizer: a, summaryCache: cache }).fit(request(messages));
    const result = await new ContextFitter(counter, { summarizer: b, summaryCache: cache }).fit(
      request(messages),
    );
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
    expect(result.report.summaryCached).toBe(true);
  });

  it('300-turn conversation: fits every time, keeps the last turns, summarises once per threshold crossing', async () => {
    const summarizer = new FakeSummarizer();
    const fitter = new ContextFitter(counter, { summarizer });
    const recount = new DefaultTokenCounter(); // an independent count of what would be sent
    const random = seededRandom(42);
    const history: Message[] = [
      system('You are a helpful support agent for Acme. Answer in English.'),
    ];
    let crossings = 0;
    let previousCalled = false;
    let consecutiveCalls = 0;
    const summarizedMessages = new Set<string>();

    for (let turn = 0; turn < 300; turn++) {
      history.push(user(`Question ${turn}: ${prose(turn * 3, 15 + Math.floor(random() * 40))}`));
      if (turn % 25 === 7) history.push(...toolExchange(`call_${turn}`, prose(turn * 3 + 1, 30)));
      // a fresh request each time, as the gateway would parse it
      const sent = JSON.parse(JSON.stringify(history)) as Message[];
      const callsBefore = summarizer.calls.length;
      const { messages, report } = await fitter.fit(request(sent));
      const called = summarizer.calls.length > callsBefore;

      expect(recount.countMessages(messages, target.model)).toBeLessThanOrEqual(BUDGET);
      expect(report.tokensAfter).toBeLessThanOrEqual(BUDGET);
      const tail = lastTurns(sent, 3);
      expect(messages.slice(messages.length - tail.length)).toEqual(tail);
      expect(messages[0]).toEqual(history[0]);
      expect(toolPairProblems(messages)).toEqual([]);
      if (report.applied) {
        expect(messageText(messages[1])).toMatch(
          /^Summary of the earlier conversation:\n\[turns 0-/,
        );
        if (!report.summaryCached) crossings++;
      }
      expect(called).toBe(report.applied && report.summaryCached === false);
      if (called && previousCalled) consecutiveCalls++;
      previousCalled = called;

      history.push(
        assistant(`Answer ${turn}: ${prose(turn * 3 + 2, 20 + Math.floor(random() * 60))}`),
      );
    }

    // each call extends the previous summary with turns nobody summarised before
    summarizer.calls.forEach((call, i) => {
      if (i > 0) expect(call.previousSummary).toBeDefined();
      for (const m of call.messages) {
        const key = JSON.stringify(m);
        expect(summarizedMessages.has(key)).toBe(false);
        summarizedMessages.add(key);
      }
    });
    console.log(
      `300 turns: ${summarizer.calls.length} summarizer calls, ${crossings} threshold crossings`,
    );
    expect(summarizer.calls.length).toBe(crossings);
    expect(summarizer.calls.length).toBeGreaterThanOrEqual(3);
    expect(summarizer.calls.length).toBeLessThan(15);
    expect(consecutiveCalls).toBe(0);
  });

  it('cuts a summary that is too long and still fits', async () => {
    const summarizer = new FakeSummarizer(() => prose(7, 5_000));
    const fitter = new ContextFitter(counter, { summarizer });
    const messages = [system('s'), ...chatTurns(60, 60), user('next')];
    const { messages: fitted, report } = await fitter.fit(
      request(messages, { options: { ...options, maxSummaryTokens: 300 } }),
    );
    expect(report.tokensAfter).toBeLessThanOrEqual(BUDGET);
    expect(counter.countText(messageText(fitted[1]), target.model)).toBeLessThanOrEqual(310);
    expect(summarizer.calls[0].maxTokens).toBe(300);
  });

  it('400 without calling the summarizer when the last turn alone leaves no room', async () => {
    const summarizer = new FakeSummarizer();
    const fitter = new ContextFitter(counter, { summarizer });
    const messages = [system('s'), ...chatTurns(5, 30), user(prose(1, 7_000))];
    await expect(fitter.fit(request(messages))).rejects.toMatchObject({
      code: 'context_length_exceeded',
    });
    await expect(fitter.fit(request([system('s'), user(prose(2, 9_000))]))).rejects.toMatchObject({
      code: 'context_length_exceeded',
    });
    expect(summarizer.calls).toHaveLength(0);
  });

  it('passes GatewayErrors through, wraps other failures in a 502, and honours abort', async () => {
    const messages = [system('s'), ...chatTurns(60, 60), user('next')];
    const overloaded = GatewayError.unavailable('summary route overloaded');
    const failing = (error: Error): Summarizer => ({
      summarize: () => Promise.reject(error),
    });
    await expect(
      new ContextFitter(counter, { summarizer: failing(overloaded) }).fit(request(messages)),
    ).rejects.toBe(overloaded);
    await expect(
      new ContextFitter(counter, { summarizer: failing(new Error('boom')) }).fit(request(messages)),
    ).rejects.toMatchObject({ status: 502, code: 'context_summarization_failed' });

    const controller = new AbortController();
    const aborting: Summarizer = {
      summarize: async () => {
        controller.abort();
        throw new Error('The operation was aborted');
      },
    };
    await expect(
      new ContextFitter(counter, { summarizer: aborting }).fit(
        request(messages, { signal: controller.signal }),
      ),
    ).rejects.toMatchObject({ status: 499 });
  });

  it('folds a long unsummarised history in batches the summarizer can take, each extending the last', async () => {
    const summarizer = new FakeSummarizer();
    const fitter = new ContextFitter(counter, { summarizer });
    const messages = [...chatTurns(200, 60), user('And now?')];
    const { messages: fitted } = await fitter.fit(request(messages));
    expect(summarizer.calls.length).toBeGreaterThan(1);
    for (const call of summarizer.calls) {
      const tokens = counter.countMessages(call.messages, 'gpt-4o-mini');
      expect(tokens).toBeLessThanOrEqual(BUDGET);
    }
    for (let i = 1; i < summarizer.calls.length; i++) {
      expect(summarizer.calls[i].previousSummary).toBeDefined();
    }
    expect(counter.countMessages(fitted, 'gpt-4o-mini')).toBeLessThanOrEqual(BUDGET);
  });

  it('asks a shared cache for the summaries it lacks before summarising again (a restart)', async () => {
    const messages = [...chatTurns(120, 60), user('Next?')];
    const first = new FakeSummarizer();
    const shared = new InMemorySummaryCache();
    await new ContextFitter(counter, { summarizer: first, summaryCache: shared }).fit(
      request(messages),
    );
    expect(first.calls.length).toBeGreaterThan(0);

    // a new process: an empty local cache in front of the shared one
    const local = new InMemorySummaryCache();
    const loads: number[] = [];
    const restarted = {
      get: (hash: string) => local.get(hash),
      set: (hash: string, summary: string) => local.set(hash, summary),
      load: (hashes: readonly string[]) => {
        loads.push(hashes.length);
        for (const hash of hashes) {
          const summary = shared.get(hash);
          if (summary !== undefined) local.set(hash, summary);
        }
        return Promise.resolve();
      },
    };
    const second = new FakeSummarizer();
    const result = await new ContextFitter(counter, {
      summarizer: second,
      summaryCache: restarted,
    }).fit(request(messages));
    expect(loads).toHaveLength(1);
    expect(second.calls).toHaveLength(0);
    expect(result.report.summaryCached).toBe(true);

    // once local, the next turn needs no load
    await new ContextFitter(counter, { summarizer: second, summaryCache: restarted }).fit(
      request([...messages, assistant('Fine.'), user('Thanks.')]),
    );
    expect(loads).toHaveLength(1);
  });
});
