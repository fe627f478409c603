import { GatewayError } from '@app/core';
import { abortError, cutError, failureError, invalidRequestError } from './sim-errors';

describe('simulator errors', () => {
  it('maps status failures through upstreamError', () => {
    const limited = failureError('sim', { kind: 'status', status: 429, retryAfterMs: 700 });
    expect(limited).toMatchObject({
      status: 503,
      upstreamStatus: 429,
      code: 'upstream_rate_limited',
      retryable: true,
      retryAfterMs: 700,
      provider: 'sim',
    });
    expect(failureError('sim', { kind: 'status', status: 500 })).toMatchObject({
      status: 502,
      upstreamStatus: 500,
      retryable: true,
    });
    expect(failureError('sim', { kind: 'status', status: 503 })).toMatchObject({
      status: 503,
      code: 'upstream_overloaded',
    });
    expect(failureError('sim', { kind: 'status', status: 529 })).toMatchObject({
      status: 503,
      upstreamStatus: 529,
    });
    expect(failureError('sim', { kind: 'reset' })).toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
      upstreamStatus: undefined,
    });
  });

  it('invalid requests stay 400, cuts are stream-cut errors', () => {
    expect(invalidRequestError('sim', 'bad')).toMatchObject({ status: 400, retryable: false });
    expect(cutError('sim', 3)).toMatchObject({ code: 'upstream_stream_cut', retryable: true });
  });

  it('abort errors keep a GatewayError reason and tell deadlines from callers leaving', () => {
    const reason = GatewayError.timeout('deadline');
    expect(abortError('sim', reason)).toBe(reason);
    expect(abortError('sim', new DOMException('t', 'TimeoutError'))).toMatchObject({
      status: 504,
      code: 'deadline_exceeded',
      retryable: false,
    });
    expect(abortError('sim', new DOMException('a', 'AbortError'))).toMatchObject({
      status: 499,
      code: 'client_closed_request',
      retryable: false,
    });
  });
});
