import { bm25Scores } from '../../retrieval/bm25';
import { splitIntoChunks, type TextChunk } from '../../text/split-text';
import { findQuestion, withDocumentText } from '../document';
import { contextTooLong } from '../fit-errors';
import { countPrompt, type PolicyContext, type PolicyOutcome } from '../policy-context';
import { chunkingOptions, planDocument } from './document-budget';

/** Between excerpts that are not adjacent in the document, and where its start or end is left out. */
export const OMISSION_MARKER = '[...]';
const MARKER_TOKENS = 3;

/**
 * Keeps the parts of the largest document that matter for the question: chunks ranked by BM25
 * against the last user question, the best ones that fit, emitted in document order with a
 * marker wherever text was left out. No model call.
 */
export function retrieveRelevant(context: PolicyContext): PolicyOutcome {
  const { slot, budget } = planDocument(context);
  const question = findQuestion(context.messages, slot);
  const count = (text: string) => context.counter.countText(text, context.model, { cache: false });
  const chunks = splitIntoChunks(slot.text, count, chunkingOptions(context));
  const scores = bm25Scores(
    question.text ?? '',
    chunks.map((chunk) => chunk.text),
  );
  const ranked = chunks.map((_, index) => index).sort((a, b) => scores[b] - scores[a] || a - b);
  if (question.fromDocument) {
    // the question is the document's tail: keep it first
    ranked.splice(ranked.indexOf(chunks.length - 1), 1);
    ranked.unshift(chunks.length - 1);
  }

  const selected: number[] = [];
  let estimate = MARKER_TOKENS;
  for (const index of ranked) {
    const cost = chunks[index].tokens + MARKER_TOKENS;
    if (estimate + cost > budget) continue;
    selected.push(index);
    estimate += cost;
  }
  while (selected.length > 0) {
    const text = assemble(slot.text, chunks, selected);
    if (count(text) <= budget) {
      const messages = withDocumentText(context.messages, slot, text);
      const after = countPrompt(context, messages);
      if (after <= context.budget.input) {
        return {
          messages,
          turnsDropped: 0,
          turnsSummarized: 0,
          chunks: chunks.length,
          chunksKept: selected.length,
        };
      }
    }
    selected.pop(); // the lowest-ranked chunk goes first
  }
  throw contextTooLong(context.tokensBefore, context.budget, 'no chunk of the document fits');
}

/** The selected chunks in document order; overlapping or adjacent chunks merge into one excerpt. */
export function assemble(
  document: string,
  chunks: readonly TextChunk[],
  selected: readonly number[],
): string {
  const ordered = [...selected].sort((a, b) => a - b).map((i) => chunks[i]);
  const spans: Array<[number, number]> = [];
  for (const chunk of ordered) {
    const last = spans[spans.length - 1];
    if (last !== undefined && chunk.start <= last[1]) last[1] = Math.max(last[1], chunk.end);
    else spans.push([chunk.start, chunk.end]);
  }
  const parts: string[] = [];
  if (spans.length > 0 && document.slice(0, spans[0][0]).trim().length > 0) {
    parts.push(OMISSION_MARKER);
  }
  spans.forEach(([start, end], i) => {
    if (i > 0) parts.push(OMISSION_MARKER);
    parts.push(document.slice(start, end).trim());
  });
  const lastEnd = spans.length > 0 ? spans[spans.length - 1][1] : 0;
  if (spans.length > 0 && document.slice(lastEnd).trim().length > 0) parts.push(OMISSION_MARKER);
  return parts.join('\n');
}
