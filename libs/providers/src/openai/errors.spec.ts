import { upstreamError } from '@app/core';
import { parseOpenAiError, retryDelayInMessage } from './errors';
import { jsonFixture, type ErrorFixture } from './fixtures/replay';

const FIXTURES = `${__dirname}/fixtures`;
const parse = (name: string) => {
  const fixture = jsonFixture<ErrorFixture>(FIXTURES, name);
  return parseOpenAiError(fixture.body, fixture.status);
};

describe('parseOpenAiError', () => {
  it('keeps insufficient_quota as the upstream code', () => {
    const details = parse('error-insufficient-quota.json');
    expect(details.code).toBe('insufficient_quota');
    expect(details.message).toMatch(/^You exceeded your current quota/);
    const error = upstreamError({
      provider: 'openai-us',
      status: 429,
      ...details,
      upstreamCode: details.code,
    });
    expect(error.code).toBe('insufficient_quota');
  });

  it('keeps context_length_exceeded, which the core turns into a 400', () => {
    const details = parse('error-context-length.json');
    expect(details.code).toBe('context_length_exceeded');
    const error = upstreamError({
      provider: 'openai-us',
      status: 400,
      message: details.message,
      upstreamCode: details.code,
    });
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', retryable: false });
  });

  it('reads the wait in a rate-limit message', () => {
    expect(parse('error-rate-limit-tokens.json')).toMatchObject({
      code: 'rate_limit_exceeded',
      retryAfterMs: 348,
    });
  });

  it('reads server errors without a code', () => {
    expect(parse('error-server.json')).toEqual({
      message: 'The server had an error while processing your request. Sorry about that!',
      code: undefined,
      retryAfterMs: undefined,
    });
    expect(parse('error-unsupported-parameter.json').code).toBe('unsupported_parameter');
  });

  it.each([
    [
      'a plain text body',
      '<html>502 Bad Gateway</html>',
      '<html>502 Bad Gateway</html>',
      undefined,
    ],
    ['an empty body', '', 'HTTP 502', undefined],
    ['a string error', { error: 'model not loaded' }, 'model not loaded', undefined],
    [
      "vLLM's top-level error",
      { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 },
      'bad',
      undefined,
    ],
    [
      'a FastAPI detail',
      { detail: [{ msg: 'field required' }] },
      '[{"msg":"field required"}]',
      undefined,
    ],
    ['a numeric string code', { error: { code: '429', message: 'busy' } }, 'busy', undefined],
    ['a JSON body of another shape', { oops: true }, 'HTTP 502', undefined],
  ])('reads %s', (_name, body, message, code) => {
    const details = parseOpenAiError(body, 502);
    expect(details.message).toBe(message);
    expect(details.code).toBe(code);
  });
});

describe('retryDelayInMessage', () => {
  it.each([
    ['Please try again in 348ms.', 348],
    ['Please try again in 1.5s.', 1500],
    ['Please try again in 6m0s. Visit ...', 360000],
    ['Please try again in 1h2m3s', 3723000],
    ['Please try again later.', undefined],
  ])('%s', (message, ms) => {
    expect(retryDelayInMessage(message)).toBe(ms);
  });
});
