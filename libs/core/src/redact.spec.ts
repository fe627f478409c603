import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('removes provider key shapes and bearer tokens', () => {
    const text =
      'Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Also sk-ant-api03-xyzxyzxyzxyz and Bearer abc.def.ghi123456';
    const out = redactSecrets(text);
    expect(out).not.toMatch(/sk-proj|sk-ant|abc\.def/);
    expect(out).toContain(REDACTED);
  });

  it('removes key query parameters but keeps the parameter name', () => {
    expect(redactSecrets('GET /v1beta/models?key=AIzaSyA-secret-value&alt=sse')).toBe(
      `GET /v1beta/models?key=${REDACTED}&alt=sse`,
    );
  });

  it('removes literal secrets it is given', () => {
    expect(redactSecrets('token hunter2-secret rejected', ['hunter2-secret'])).toBe(
      `token ${REDACTED} rejected`,
    );
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('The model gpt-4o-mini is overloaded.')).toBe(
      'The model gpt-4o-mini is overloaded.',
    );
  });
});

describe('redactSecrets fast path', () => {
  it('returns ordinary text unchanged and still catches every shape after the quick test', () => {
    const plain = 'req_0123456789abcdef POST /v1/chat/completions';
    expect(redactSecrets(plain)).toBe(plain);
    for (const secret of [
      'sk-abcdefghijklmnop',
      'AIzaSyA1234567890abcdefghijklmnop',
      'AKIAABCDEFGHIJKLMNOP',
      'Bearer abcdefghijkl',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIz',
      'https://x.example/v1?api_key=secretvalue',
    ]) {
      expect(redactSecrets(`value ${secret} end`)).toContain(REDACTED);
    }
  });
});
