import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const withHeader = (value?: string | string[]) =>
  ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;

const GENERATED = /^req_[0-9a-f]{32}$/;

describe('requestIdFor', () => {
  it.each(['abc-123', 'trace.id:42_x', 'A'.repeat(128), '0f8fad5b-d9cb-469f-a165-70867728950e'])(
    "keeps the caller's sane x-request-id %s",
    (id) => {
      expect(requestIdFor(withHeader(id))).toBe(id);
    },
  );

  it('generates an id when there is none', () => {
    const a = requestIdFor(withHeader());
    const b = requestIdFor(withHeader());
    expect(a).toMatch(GENERATED);
    expect(b).toMatch(GENERATED);
    expect(a).not.toBe(b);
  });

  it.each([
    ['empty', ''],
    ['too long', 'A'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline (log injection)', 'a\nlevel=error'],
    ['with quotes', '"x"'],
    ['with a slash', 'a/b'],
    ['non-ASCII', 'idé'],
  ])('replaces an id that is %s', (_name, id) => {
    expect(requestIdFor(withHeader(id))).toMatch(GENERATED);
  });

  it('replaces a repeated header (an array)', () => {
    expect(requestIdFor(withHeader(['a', 'b']))).toMatch(GENERATED);
  });
});
