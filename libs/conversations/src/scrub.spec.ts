import { describeDatabaseUrl, scrubDatabaseUrl, urlPasswords } from './scrub';

describe('scrubDatabaseUrl', () => {
  it('removes the password of any URL in the text', () => {
    expect(scrubDatabaseUrl('connect to postgres://app:hunter2-pw@db:5432/x failed')).toBe(
      'connect to postgres://app:[REDACTED]@db:5432/x failed',
    );
    expect(scrubDatabaseUrl('postgresql://:only-pw@db/x and postgres://u@db/x')).toBe(
      'postgresql://:[REDACTED]@db/x and postgres://u@db/x',
    );
  });

  it('removes a password with an unencoded @ or /', () => {
    const url = 'postgres://app:p@ss/w0rd@db:5432/x';
    expect(scrubDatabaseUrl(`bad url ${url}`)).toBe('bad url postgres://app:[REDACTED]@db:5432/x');
    expect(scrubDatabaseUrl('secret p@ss/w0rd leaked', url)).not.toContain('w0rd');
  });

  it('removes the literal password, raw and decoded, wherever it appears', () => {
    const url = 'postgres://app:p%40ss-w0rd@db:5432/x';
    expect(urlPasswords(url)).toEqual(['p%40ss-w0rd', 'p@ss-w0rd']);
    const scrubbed = scrubDatabaseUrl('password "p@ss-w0rd" and p%40ss-w0rd rejected', url);
    expect(scrubbed).not.toContain('w0rd');
  });

  it('leaves text without credentials alone', () => {
    expect(scrubDatabaseUrl('connect ECONNREFUSED 127.0.0.1:5432')).toBe(
      'connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(scrubDatabaseUrl('postgres://db:5432/x is down')).toBe('postgres://db:5432/x is down');
    expect(urlPasswords('postgres://app@db/x')).toEqual([]);
    expect(urlPasswords(undefined)).toEqual([]);
  });

  it('describes a URL without its password', () => {
    expect(describeDatabaseUrl('postgres://app:secret-value@db:5432/gw')).toBe(
      'postgres://app:[REDACTED]@db:5432/gw',
    );
  });
});
