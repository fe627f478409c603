import { GatewayError } from '@app/core';
import { decodeCursor, encodeCursor } from './cursor';

describe('page cursor', () => {
  it('round-trips a position', () => {
    const position = { createdAt: '2025-01-02T03:04:05.678Z', id: 'b7d3c6a4-0000-4000-8000-1' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each(['', 'not-a-cursor', encodeCursor({ createdAt: 'yesterday', id: 'x' })])(
    'rejects %p with a 400 naming before',
    (cursor) => {
      const error = (() => {
        try {
          decodeCursor(cursor);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param: 'before' });
    },
  );
});
