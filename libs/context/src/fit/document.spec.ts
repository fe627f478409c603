import type { Message } from '@app/core';
import { findQuestion, largestDocument, withDocumentText } from './document';

const length = (text: string) => text.length;

describe('document helpers', () => {
  const messages: Message[] = [
    { role: 'system', content: 'short rules' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Here is the contract:' },
        { type: 'image_url', imageUrl: { url: 'https://x/scan.png' } },
        { type: 'text', text: 'A very long contract text. '.repeat(20) },
      ],
    },
    { role: 'assistant', content: 'Got it.' },
    { role: 'user', content: 'What is the notice period?' },
  ];

  it('finds the largest text, inside content parts too', () => {
    expect(largestDocument(messages, length)).toMatchObject({ messageIndex: 1, partIndex: 2 });
    expect(largestDocument([{ role: 'assistant', content: null }], length)).toBeUndefined();
  });

  it('replaces only that text and copies only that message', () => {
    const slot = largestDocument(messages, length)!;
    const replaced = withDocumentText(messages, slot, 'SUMMARY');
    expect(replaced[0]).toBe(messages[0]);
    expect(replaced[3]).toBe(messages[3]);
    expect(replaced[1].content).toEqual([
      { type: 'text', text: 'Here is the contract:' },
      { type: 'image_url', imageUrl: { url: 'https://x/scan.png' } },
      { type: 'text', text: 'SUMMARY' },
    ]);
    expect((messages[1].content as unknown[])[2]).toMatchObject({
      text: expect.stringContaining('contract'),
    });
    const plain = withDocumentText(messages, { messageIndex: 3, text: '', tokens: 0 }, 'X');
    expect(plain[3]).toEqual({ role: 'user', content: 'X' });
  });

  it("takes the last other user message as the question, else the document's last paragraph", () => {
    const slot = largestDocument(messages, length)!;
    expect(findQuestion(messages, slot)).toEqual({
      text: 'What is the notice period?',
      fromDocument: false,
    });
    const single: Message[] = [
      { role: 'user', content: 'Long text.\n\nMore text.\n\nWhat does it say about refunds?' },
    ];
    const own = largestDocument(single, length)!;
    expect(findQuestion(single, own)).toEqual({
      text: 'What does it say about refunds?',
      fromDocument: true,
    });
    const noQuestion: Message[] = [{ role: 'user', content: 'Just one paragraph.' }];
    expect(findQuestion(noQuestion, largestDocument(noQuestion, length)!)).toEqual({
      fromDocument: false,
    });
  });
});
