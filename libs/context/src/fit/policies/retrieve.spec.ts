import { messageText, type Message } from '@app/core';
import { prose, system, user } from '../../testing/conversations';
import { DefaultTokenCounter } from '../../tokenizer/token-counter';
import { ContextFitter } from '../context-fitter';
import type { ContextFitOptions, ContextTarget } from '../fit-types';
import { OMISSION_MARKER } from './retrieve';

const counter = new DefaultTokenCounter();
const fitter = new ContextFitter(counter);
const target: ContextTarget = { model: 'gpt-4o', contextWindow: 3_000, maxOutputTokens: 4_096 };
const options: ContextFitOptions = {
  policy: 'retrieve',
  reserveOutputTokens: 500,
  chunkTokens: 300,
  overlapTokens: 0,
};

const ANSWER =
  'Section 21. The warranty for the Model X200 espresso machine lasts thirty-six months and covers ' +
  'the pump, the boiler and the grinder; descaling damage is excluded from the warranty.';

function manual(): string {
  const sections = Array.from({ length: 40 }, (_, i) => `Section ${i}. ${prose(i, 110)}`);
  sections[21] = ANSWER;
  return sections.join('\n\n');
}

describe('retrieve policy', () => {
  it('keeps the chunk that answers the question, from the middle of the document, in document order', async () => {
    const doc = manual();
    const messages: Message[] = [
      system('Answer from the manual.'),
      user(doc),
      user('How long is the warranty of the X200 espresso machine?'),
    ];
    const { messages: fitted, report } = await fitter.fit({ messages, target, options });

    const kept = messageText(fitted[1]);
    expect(kept).toContain(ANSWER);
    expect(report.tokensAfter).toBeLessThanOrEqual(2_500);
    expect(report.chunks).toBeGreaterThan(10);
    expect(report.chunksKept).toBeGreaterThan(1);
    expect(report.chunksKept).toBeLessThan(report.chunks!);
    expect(kept).toContain(OMISSION_MARKER);
    // excerpts appear in document order
    const sectionOrder = [...kept.matchAll(/Section (\d+)\./g)].map((m) => Number(m[1]));
    expect(sectionOrder).toEqual([...sectionOrder].sort((a, b) => a - b));
    // every excerpt is verbatim text of the document
    for (const excerpt of kept.split(`\n${OMISSION_MARKER}\n`)) {
      expect(doc).toContain(
        excerpt.replace(`${OMISSION_MARKER}\n`, '').replace(`\n${OMISSION_MARKER}`, ''),
      );
    }
    expect(fitted[2]).toBe(messages[2]);
  });

  it('merges adjacent and overlapping chunks into one excerpt', async () => {
    const doc = manual();
    const messages: Message[] = [user(doc), user('warranty espresso X200 boiler pump grinder')];
    const { messages: fitted } = await fitter.fit({
      messages,
      target,
      options: { ...options, overlapTokens: 60 },
    });
    const kept = messageText(fitted[0]);
    expect(kept).toContain(ANSWER);
    expect(kept.split(OMISSION_MARKER).length - 1).toBeLessThan(10);
  });

  it('uses the end of the document as the question when the document is the question, and keeps it', async () => {
    const doc = `${manual()}\n\nQuestion: how many months does the X200 espresso warranty last?`;
    const { messages: fitted } = await fitter.fit({ messages: [user(doc)], target, options });
    const kept = messageText(fitted[0]);
    expect(kept).toContain(ANSWER);
    expect(kept.endsWith('how many months does the X200 espresso warranty last?')).toBe(true);
  });

  it('400 when not even one chunk fits', async () => {
    const messages: Message[] = [system(prose(1, 2_300)), user(manual()), user('warranty?')];
    await expect(
      fitter.fit({ messages, target, options: { ...options, chunkTokens: 2_000 } }),
    ).rejects.toMatchObject({
      code: 'context_length_exceeded',
    });
  });
});
