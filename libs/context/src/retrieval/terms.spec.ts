import { terms } from './terms';

describe('terms', () => {
  it('lower-cases, drops stop words and punctuation', () => {
    expect(terms('The Circuit-Breaker opens, and THE requests fail fast!')).toEqual([
      'circuit',
      'breaker',
      'opens',
      'requests',
      'fail',
      'fast',
    ]);
  });

  it('keeps accented words whole and normalizes compatibility forms', () => {
    expect(terms('Grüße aus Köln, ｆｕｌｌwidth')).toEqual(['grüße', 'aus', 'köln', 'fullwidth']);
  });

  it('splits Han and kana into single characters, keeps Hangul words', () => {
    expect(terms('熔断器 APIキー 점검 시간')).toEqual([
      '熔',
      '断',
      '器',
      'api',
      'キ',
      'ー',
      '점검',
      '시간',
    ]);
  });
});
