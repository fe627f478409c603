import { invalidInput } from './errors';

/** Position of a conversation in the newest-first order: creation time, then id. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An opaque page cursor. It carries the position, not an id to look up, so a page boundary that
 * is deleted in between does not break the next page.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    ISO_UTC.test(parsed[0]) &&
    typeof parsed[1] === 'string' &&
    parsed[1].length > 0
  ) {
    return { createdAt: parsed[0], id: parsed[1] };
  }
  throw invalidInput(`'before' is not a cursor returned by a previous page.`, 'before');
}
