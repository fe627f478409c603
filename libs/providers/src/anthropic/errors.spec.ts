import { upstreamError } from '@app/core';
import { anthropicStreamError, parseAnthropicError } from './errors';
import { loadJson } from './fixtures/load-fixture';

describe('parseAnthropicError', () => {
  it.each([
    ['error-overloaded.json', 529, 'Overloaded', 'overloaded_error'],
    ['error-authentication.json', 401, 'invalid x-api-key', 'authentication_error'],
    ['error-api.json', 500, 'Internal server error', 'api_error'],
    ['error-request-too-large.json', 413, undefined, 'request_too_large'],
    ['error-invalid-request.json', 400, undefined, 'invalid_request_error'],
    ['error-rate-limit.json', 429, undefined, 'rate_limit_error'],
    ['error-spend-limit.json', 429, undefined, 'enforced_spend_limit_reached'],
    ['error-prompt-too-long.json', 400, undefined, 'context_length_exceeded'],
    ['error-context-limit.json', 400, undefined, 'context_length_exceeded'],
  ])('%s (%d) -> code %s', (fixture, status, message, code) => {
    const body = loadJson(fixture) as { error: { message: string } };
    const details = parseAnthropicError(body, status);
    expect(details).toMatchObject({ message: message ?? body.error.message, code });
    // only the spend limit is final; every other error keeps the status-based verdict
    expect(details.retryable).toBe(code === 'enforced_spend_limit_reached' ? false : undefined);
    // Anthropic never puts the retry delay in the body; it is the retry-after header
    expect(details.retryAfterMs).toBeUndefined();
  });

  it('keeps a non-JSON body (a proxy page) as the message', () => {
    expect(parseAnthropicError('  <html>502 Bad Gateway</html>\n', 502)).toEqual({
      message: '<html>502 Bad Gateway</html>',
    });
    expect(parseAnthropicError('', 503)).toEqual({ message: 'HTTP 503' });
    expect(parseAnthropicError({ unexpected: true }, 500)).toEqual({ message: 'HTTP 500' });
  });

  it('makes prompt-too-long a context_length_exceeded error for the gateway', () => {
    const details = parseAnthropicError(loadJson('error-prompt-too-long.json'), 400);
    const error = upstreamError({
      provider: 'anthropic',
      status: 400,
      message: details.message,
      upstreamCode: details.code,
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
      retryable: false,
    });
  });
});

describe('anthropicStreamError', () => {
  it('gives an in-stream overloaded_error 529 semantics', () => {
    const error = anthropicStreamError('anthropic-eu', {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(error).toMatchObject({
      status: 503,
      type: 'overloaded_error',
      code: 'overloaded_error',
      retryable: true,
      upstreamStatus: 529,
      provider: 'anthropic-eu',
    });
    expect(error.message).toBe(
      'Upstream anthropic-eu stream failed (overloaded_error): Overloaded',
    );
  });

  it('gives an in-stream api_error 500 semantics, and unknown types too', () => {
    for (const type of ['api_error', 'some_new_error']) {
      const error = anthropicStreamError('anthropic', {
        type: 'error',
        error: { type, message: 'Internal server error' },
      });
      expect(error).toMatchObject({
        status: 502,
        code: 'upstream_error',
        retryable: true,
        upstreamStatus: 500,
      });
    }
  });

  it('keeps client errors non-retryable and scrubs secrets from the message', () => {
    const error = anthropicStreamError(
      'anthropic',
      {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'bad key sk-ant-api03-abcdefghijkl' },
      },
      ['sk-ant-api03-abcdefghijkl'],
    );
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).not.toContain('sk-ant');
  });
});
