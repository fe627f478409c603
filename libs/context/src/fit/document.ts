import { messageText, type Message } from '@app/core';

/** The text that map-reduce and retrieve work on: one message's content or one text part. */
export interface DocumentSlot {
  messageIndex: number;
  /** the text part's index when the content is an array of parts */
  partIndex?: number;
  text: string;
  tokens: number;
}

/** The largest text in the request, by tokens: typically a pasted document in a user turn. */
export function largestDocument(
  messages: readonly Message[],
  countText: (text: string) => number,
): DocumentSlot | undefined {
  let best: DocumentSlot | undefined;
  const consider = (slot: Omit<DocumentSlot, 'tokens'>) => {
    if (slot.text.length === 0) return;
    const tokens = countText(slot.text);
    if (best === undefined || tokens > best.tokens) best = { ...slot, tokens };
  };
  messages.forEach((message, messageIndex) => {
    const { content } = message;
    if (typeof content === 'string') consider({ messageIndex, text: content });
    else if (content !== null) {
      content.forEach((part, partIndex) => {
        if (part.type === 'text') consider({ messageIndex, partIndex, text: part.text });
      });
    }
  });
  return best;
}

/** A copy of the messages with the document's text replaced; other messages are not copied. */
export function withDocumentText(
  messages: readonly Message[],
  slot: DocumentSlot,
  text: string,
): Message[] {
  return messages.map((message, index) => {
    if (index !== slot.messageIndex) return message;
    const { content } = message;
    if (slot.partIndex === undefined || content === null || typeof content === 'string') {
      return { ...message, content: text };
    }
    return {
      ...message,
      content: content.map((part, i) => (i === slot.partIndex ? { type: 'text', text } : part)),
    };
  });
}

const MAX_QUESTION_CHARS = 2_000;

export interface Question {
  text?: string;
  /** true when the question is the document's last paragraph (the document is the question) */
  fromDocument: boolean;
}

/**
 * What the document should answer: the last user message that is not the document, else the
 * document's last paragraph (a pasted text followed by the question in the same message).
 */
export function findQuestion(messages: readonly Message[], slot: DocumentSlot): Question {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== 'user' || i === slot.messageIndex) continue;
    const text = messageText(messages[i]).trim();
    if (text.length > 0) return { text: text.slice(-MAX_QUESTION_CHARS), fromDocument: false };
  }
  const paragraphs = slot.text.trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1]?.trim() ?? '';
  if (paragraphs.length > 1 && last.length > 0 && last.length <= MAX_QUESTION_CHARS) {
    return { text: last, fromDocument: true };
  }
  return { fromDocument: false };
}
