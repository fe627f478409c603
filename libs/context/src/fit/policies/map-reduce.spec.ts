import { GatewayError, messageText, type Message } from '@app/core';
import { prose, system, user } from '../../testing/conversations';
import { DefaultTokenCounter } from '../../tokenizer/token-counter';
import { ContextFitter } from '../context-fitter';
import type { ContextFitOptions, ContextTarget } from '../fit-types';
import type { ChunkContext, ChunkSummarizer } from '../summarizer';

const counter = new DefaultTokenCounter();
const target: ContextTarget = { model: 'gpt-4o', contextWindow: 4_000, maxOutputTokens: 4_096 };
const options: ContextFitOptions = {
  policy: 'map-reduce',
  reserveOutputTokens: 500,
  chunkTokens: 1_000,
  overlapTokens: 50,
  concurrency: 3,
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Section-numbered document: the summaries can be checked for order. */
function document(sections: number): string {
  return Array.from({ length: sections }, (_, i) => `Section ${i}. ${prose(i, 180)}`).join('\n\n');
}

class FakeChunkSummarizer implements ChunkSummarizer {
  readonly calls: Array<{ text: string; context: ChunkContext }> = [];
  inFlight = 0;
  peak = 0;
  constructor(
    private readonly reply: (text: string, context: ChunkContext) => string = defaultReply,
  ) {}

  async summarizeChunk(text: string, context: ChunkContext): Promise<string> {
    this.calls.push({ text, context });
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await tick(1 + ((context.index * 5) % 4)); // complete out of order
    this.inFlight--;
    return this.reply(text, context);
  }
}

function defaultReply(text: string, context: ChunkContext): string {
  const sections = [...text.matchAll(/Section (\d+)/g)].map((m) => m[1]);
  return `(r${context.round} #${context.index}) sections ${sections.join(',')}`;
}

describe('map-reduce policy', () => {
  const doc = document(40); // ~8k tokens
  const messages: Message[] = [
    system('Answer from the document.'),
    user(doc),
    user('What does section 17 say?'),
  ];

  it('summarises the chunks with bounded concurrency and puts the summaries, in order, in place of the document', async () => {
    const summarizer = new FakeChunkSummarizer();
    const fitter = new ContextFitter(counter, { chunkSummarizer: summarizer });
    const { messages: fitted, report } = await fitter.fit({ messages, target, options });

    const total = summarizer.calls.length;
    expect(total).toBeGreaterThanOrEqual(8);
    expect(summarizer.peak).toBe(3);
    expect(report).toMatchObject({ applied: true, chunks: total });
    expect(report.tokensAfter).toBeLessThanOrEqual(3_500);
    for (const { text, context } of summarizer.calls) {
      expect(context).toMatchObject({ question: 'What does section 17 say?', total, round: 1 });
      expect(counter.countText(text, 'gpt-4o')).toBeLessThanOrEqual(1_000);
    }
    const replaced = messageText(fitted[1]);
    const indexes = [...replaced.matchAll(/\(r1 #(\d+)\)/g)].map((m) => Number(m[1]));
    expect(indexes).toEqual(Array.from({ length: total }, (_, i) => i));
    // every section is covered, some twice because of the overlap
    const covered = new Set([...replaced.matchAll(/(\d+)(?=[,\n]|$)/g)].map((m) => Number(m[1])));
    for (let s = 0; s < 40; s++) expect(covered.has(s)).toBe(true);
    expect(fitted[0]).toBe(messages[0]);
    expect(fitted[2]).toBe(messages[2]);
  });

  it('reduces again while the combined summaries are too large', async () => {
    const summarizer = new FakeChunkSummarizer((_text, context) =>
      context.round === 1
        ? `Summary ${context.index}: ${prose(context.index, 400)}`
        : `short ${context.index}`,
    );
    const fitter = new ContextFitter(counter, { chunkSummarizer: summarizer });
    const { messages: fitted } = await fitter.fit({ messages, target, options });
    const rounds = new Set(summarizer.calls.map((c) => c.context.round));
    expect([...rounds]).toEqual([1, 2]);
    expect(messageText(fitted[1])).toMatch(/^short 0\n\nshort 1/);
  });

  it('keeps a question asked at the end of the document after the summary', async () => {
    const summarizer = new FakeChunkSummarizer();
    const fitter = new ContextFitter(counter, { chunkSummarizer: summarizer });
    const asked = `${doc}\n\nWhich section covers refunds?`;
    const { messages: fitted } = await fitter.fit({ messages: [user(asked)], target, options });
    const text = messageText(fitted[0]);
    expect(text).toMatch(/^\(r1 #0\) sections 0,/);
    expect(text.endsWith('\n\nWhich section covers refunds?')).toBe(true);
    expect(summarizer.calls[0].context.question).toBe('Which section covers refunds?');
  });

  it('400 when the summaries do not shrink', async () => {
    const summarizer = new FakeChunkSummarizer((text) => text);
    const fitter = new ContextFitter(counter, { chunkSummarizer: summarizer });
    await expect(fitter.fit({ messages, target, options })).rejects.toMatchObject({
      code: 'context_length_exceeded',
      message: expect.stringContaining('summary is still too long'),
    });
  });

  it('stops launching chunks once the request is aborted', async () => {
    const controller = new AbortController();
    const summarizer = new FakeChunkSummarizer();
    const original = summarizer.summarizeChunk.bind(summarizer);
    summarizer.summarizeChunk = (text, context) => {
      if (context.index === 1) controller.abort();
      return original(text, context);
    };
    const fitter = new ContextFitter(counter, { chunkSummarizer: summarizer });
    await expect(
      fitter.fit({ messages, target, options, signal: controller.signal }),
    ).rejects.toMatchObject({ status: 499 });
    expect(summarizer.calls.length).toBeLessThanOrEqual(3);
  });

  it('passes a chunk summarizer failure on as a GatewayError', async () => {
    const failing: ChunkSummarizer = {
      summarizeChunk: () => Promise.reject(new TypeError('bad json')),
    };
    const error = await new ContextFitter(counter, { chunkSummarizer: failing })
      .fit({ messages, target, options })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'context_summarization_failed' });
  });

  it('400 without any call when the rest of the request leaves no room for the document', async () => {
    const summarizer = new FakeChunkSummarizer();
    const crowded: Message[] = [system(prose(3, 3_200)), user(doc)];
    await expect(
      new ContextFitter(counter, { chunkSummarizer: summarizer }).fit({
        messages: crowded,
        target,
        options,
      }),
    ).rejects.toMatchObject({
      code: 'context_length_exceeded',
    });
    expect(summarizer.calls).toHaveLength(0);
  });
});
