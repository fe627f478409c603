import { errorText } from './error-text';

describe('errorText', () => {
  it('uses the message, adding the code when the message lacks it', () => {
    const error = Object.assign(new Error('database "x" does not exist'), { code: '3D000' });
    expect(errorText(error)).toBe('database "x" does not exist; 3D000');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(errorText(refused)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('describes an AggregateError with an empty message by its inner errors', () => {
    const error = Object.assign(
      new AggregateError(
        [
          new Error('connect ECONNREFUSED ::1:5432'),
          new Error('connect ECONNREFUSED 127.0.0.1:5432'),
        ],
        '',
      ),
      { code: 'ECONNREFUSED' },
    );
    expect(errorText(error)).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('falls back to the name, and stringifies non-errors', () => {
    expect(errorText(new TypeError(''))).toBe('TypeError');
    expect(errorText('plain')).toBe('plain');
  });
});
