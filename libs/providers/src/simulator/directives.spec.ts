import { hasFaultDirective, parseDirectives } from './directives';

describe('directive parsing', () => {
  it('returns nothing for text without directives', () => {
    expect(parseDirectives('Hello, how are you?')).toEqual({});
    expect(parseDirectives('[[other:fail=500]]')).toEqual({});
  });

  it.each([
    ['[[sim:fail=429]]', { fail: 429 }],
    ['[[sim:fail=500]]', { fail: 500 }],
    ['[[sim:fail=503]]', { fail: 503 }],
    ['[[sim:fail=529]]', { fail: 529 }],
    ['[[sim:fail=reset]]', { fail: 'reset' }],
    ['[[sim:cut=3]]', { cutAfterChunks: 3 }],
    ['[[sim:cut=0]]', { cutAfterChunks: 0 }],
    ['[[sim:stall=2000]]', { stallMs: 2000 }],
    ['[[sim:tool]]', { tool: true }],
    ['[[sim:tool=get_weather]]', { tool: 'get_weather' }],
    ['[[sim:tokens=12]]', { tokens: 12 }],
    ['[[sim:fail=429,retryAfter=1500,times=2]]', { fail: 429, retryAfterMs: 1500, times: 2 }],
    ['[[sim:retry-after=10]]', { retryAfterMs: 10 }],
  ])('%s', (text, expected) => {
    expect(parseDirectives(`Please answer. ${text} Thanks`)).toEqual(expected);
  });

  it('combines several directives; later values win', () => {
    expect(parseDirectives('[[sim:stall=100 cut=2]] text [[sim:stall=300; tool]]')).toEqual({
      stallMs: 300,
      cutAfterChunks: 2,
      tool: true,
    });
  });

  it('ignores unknown keys and invalid values', () => {
    expect(parseDirectives('[[sim:fail=abc,fail=200,cut=-1,stall=1.5,times=0,color=red]]')).toEqual(
      {},
    );
  });

  it('tells fault directives from reply-shaping ones', () => {
    expect(hasFaultDirective(parseDirectives('[[sim:tool,tokens=3]]'))).toBe(false);
    expect(hasFaultDirective(parseDirectives('[[sim:stall=5]]'))).toBe(true);
  });
});
