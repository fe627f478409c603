import { splitIntoChunks } from '../../text/split-text';
import { findQuestion, withDocumentText } from '../document';
import { contextTooLong, summarizerFailure } from '../fit-errors';
import { mapConcurrent } from '../map-concurrent';
import { countPrompt, type PolicyContext, type PolicyOutcome } from '../policy-context';
import type { ChunkSummarizer } from '../summarizer';
import { chunkingOptions, planDocument } from './document-budget';

export const DEFAULT_CONCURRENCY = 4;
/** reduce rounds after the first (map) round */
export const MAX_REDUCE_ROUNDS = 3;
const MIN_CHUNK_SUMMARY_TOKENS = 64;

/**
 * Replaces the largest document with a summary: chunks by tokens (with overlap), summarises the
 * chunks in parallel (bounded), joins the summaries in order, and reduces again while the result
 * is still too large. 400 when the summaries stop shrinking or the rounds run out.
 */
export class MapReducePolicy {
  constructor(private readonly summarizer: ChunkSummarizer) {}

  async apply(context: PolicyContext): Promise<PolicyOutcome> {
    const plan = planDocument(context);
    const { slot } = plan;
    const found = findQuestion(context.messages, slot);
    const question = found.text;
    const count = (text: string) =>
      context.counter.countText(text, context.model, { cache: false });
    // a question at the end of the document stays, after the summary
    const suffix = found.fromDocument && question ? `\n\n${question}` : '';
    const budget = plan.budget - count(suffix);
    const chunking = chunkingOptions(context);
    const concurrency = Math.max(1, context.options.concurrency ?? DEFAULT_CONCURRENCY);

    let texts = splitIntoChunks(slot.text, count, chunking).map((chunk) => chunk.text);
    const chunks = texts.length;
    let previousTokens = slot.tokens;
    for (let round = 1; round <= 1 + MAX_REDUCE_ROUNDS; round++) {
      const total = texts.length;
      const maxTokens = Math.max(MIN_CHUNK_SUMMARY_TOKENS, Math.floor(budget / total));
      let summaries: string[];
      try {
        summaries = await mapConcurrent(
          texts,
          concurrency,
          (text, index) =>
            this.summarizer.summarizeChunk(
              text,
              { question, index, total, round, maxTokens },
              context.signal,
            ),
          context.signal,
        );
      } catch (error) {
        throw summarizerFailure(error, context.signal);
      }
      const combined = summaries
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .join('\n\n');
      const tokens = count(combined);
      if (tokens <= budget) {
        const messages = withDocumentText(context.messages, slot, `${combined}${suffix}`);
        const after = countPrompt(context, messages);
        if (after > context.budget.input) throw contextTooLong(after, context.budget);
        return { messages, turnsDropped: 0, turnsSummarized: 0, chunks };
      }
      if (tokens >= previousTokens) break;
      previousTokens = tokens;
      texts = splitIntoChunks(combined, count, chunking).map((chunk) => chunk.text);
    }
    throw contextTooLong(
      context.tokensBefore,
      context.budget,
      'the document summary is still too long',
    );
  }
}
