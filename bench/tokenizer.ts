/**
 * Token counting throughput (libs/context):
 *   node -r ts-node/register/transpile-only bench/tokenizer.ts
 *
 * 1. cold exact counting: o200k_base over distinct texts (empty count cache)
 * 2. the estimator (no BPE) on the same texts
 * 3. a growing 300-turn conversation, recounted in full on every turn from freshly parsed
 *    messages (as the gateway sees each request), served from the count cache
 * 4. the summarize policy over the same 300 turns (fast path, cache reuse, summarizer calls)
 */
import 'tsconfig-paths/register';
import { performance } from 'node:perf_hooks';
import type { Message } from '@app/core';
import {
  ContextFitter,
  DefaultTokenCounter,
  estimateTokens,
  type SummarizeInput,
  type Summarizer,
} from '@app/context';
import { assistant, prose, system, user } from '@app/context/testing/conversations';
import { loadTokenCorpus } from '@app/context/testing/token-corpus';

const MODEL = 'gpt-4o-mini';

function rate(tokens: number, ms: number): string {
  const perSecond = tokens / (ms / 1000);
  return perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)} M tokens/s`
    : `${(perSecond / 1e3).toFixed(0)} k tokens/s`;
}

function row(name: string, tokens: number, ms: number, extra = ''): void {
  const counts = `${String(tokens).padStart(9)} tokens in ${ms.toFixed(1).padStart(7)} ms`;
  console.log(`${name.padEnd(46)} ${rate(tokens, ms).padStart(17)}   ${counts}   ${extra}`);
}

/** The request bodies of a conversation that grows by one turn per request. */
function conversation(turns: number): string[] {
  const history: Message[] = [
    system('You are a helpful support agent for Acme. Answer in English.'),
  ];
  const bodies: string[] = [];
  for (let t = 0; t < turns; t++) {
    history.push(user(`Question ${t}: ${prose(t * 3, 20 + ((t * 7) % 40))}`));
    bodies.push(JSON.stringify(history));
    history.push(assistant(`Answer ${t}: ${prose(t * 3 + 1, 30 + ((t * 11) % 60))}`));
  }
  return bodies;
}

/** Counts every request, parsed fresh as the gateway would; only the counting is timed. */
function countConversation(bodies: readonly string[], model: string) {
  const counter = new DefaultTokenCounter();
  let tokens = 0;
  let ms = 0;
  let lastUs = 0;
  for (const body of bodies) {
    const messages = JSON.parse(body) as Message[];
    const t0 = performance.now();
    tokens += counter.countMessages(messages, model);
    const elapsed = performance.now() - t0;
    ms += elapsed;
    lastUs = elapsed * 1000;
  }
  return { tokens, ms, lastUs };
}

async function fitConversation(bodies: readonly string[]) {
  let calls = 0;
  const summarizer: Summarizer = {
    summarize: async (input: SummarizeInput) => {
      calls++;
      return `${input.previousSummary ?? ''} ${prose(calls, 60)}`.trim();
    },
  };
  const fitter = new ContextFitter(new DefaultTokenCounter(), { summarizer });
  const target = { model: MODEL, contextWindow: 8_192, maxOutputTokens: 16_384 };
  const options = { policy: 'summarize' as const, reserveOutputTokens: 1_024 };
  let tokens = 0;
  const times: number[] = [];
  for (const body of bodies) {
    const messages = JSON.parse(body) as Message[];
    const t0 = performance.now();
    const { report } = await fitter.fit({ messages, target, options });
    times.push(performance.now() - t0);
    tokens += report.tokensBefore;
  }
  const ms = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  const us = (q: number) => (times[Math.floor(times.length * q)] * 1000).toFixed(0);
  return { tokens, ms, calls, p50: us(0.5), p99: us(0.99) };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, exact model ${MODEL} (o200k_base)\n`);
  const corpus = loadTokenCorpus().map((s) => s.text);

  const counter = new DefaultTokenCounter();
  let start = performance.now();
  counter.countText('warm up', MODEL);
  console.log(`o200k_base loaded on first use in ${(performance.now() - start).toFixed(0)} ms\n`);

  // 1. every text distinct, so nothing comes from the count cache
  const texts: string[] = [];
  for (let pass = 0; pass < 20; pass++) for (const text of corpus) texts.push(`${pass} ${text}`);
  let tokens = 0;
  start = performance.now();
  for (const text of texts) tokens += counter.countText(text, MODEL);
  row('exact, cold (o200k, distinct texts)', tokens, performance.now() - start);

  // 2. the same texts, after one warm-up pass for the JIT
  for (const text of texts) estimateTokens(text);
  let estimated = 0;
  start = performance.now();
  for (let round = 0; round < 5; round++)
    for (const text of texts) estimated += estimateTokens(text);
  const ms = performance.now() - start;
  const chars = texts.reduce((n, t) => n + t.length, 0) * 5;
  row('estimator (no BPE, no cache)', estimated, ms, `${(chars / ms / 1000).toFixed(0)} M chars/s`);

  // 3. growing conversation, the whole history recounted on every turn
  const bodies = conversation(300);
  const last = JSON.parse(bodies[bodies.length - 1]) as Message[];
  const lastTokens = new DefaultTokenCounter().countMessages(last, MODEL);
  const exact = countConversation(bodies, MODEL);
  row(
    'exact, cached: 300-turn growing conversation',
    exact.tokens,
    exact.ms,
    `last request (${last.length} messages, ${lastTokens} tokens): ${exact.lastUs.toFixed(0)} us`,
  );
  const rough = countConversation(bodies, 'claude-3-5-haiku');
  row(
    'estimator, cached: the same conversation',
    rough.tokens,
    rough.ms,
    `last request: ${rough.lastUs.toFixed(0)} us`,
  );

  // 4. the summarize policy over the same requests (8k window)
  const fit = await fitConversation(bodies);
  row(
    'fit, summarize policy, 8k window',
    fit.tokens,
    fit.ms,
    `per request p50 ${fit.p50} us, p99 ${fit.p99} us; ${fit.calls} summarizer calls`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
