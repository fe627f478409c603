import { REDACTED, redactSecrets } from '@app/core';

/**
 * `scheme://user:password@` in any URL-looking text. The password runs to the last `@` of the
 * token (an unencoded `@` in a password is common), so this errs on the side of redacting more.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):[^\s'"]*@/gi;

/** The password of a database URL, raw and percent-decoded, when the URL has one. */
export function urlPasswords(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) return [];
  const found = new Set<string>();
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s]*)@/i.exec(databaseUrl);
  if (match?.[1]) found.add(match[1]);
  try {
    const parsed = new URL(databaseUrl).password;
    if (parsed) found.add(parsed);
  } catch {
    // not a parsable URL: the regex's view is all there is
  }
  for (const raw of [...found]) {
    try {
      found.add(decodeURIComponent(raw));
    } catch {
      // not valid percent-encoding
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Removes database credentials from text that may reach a caller or a log: the password part of
 * any `scheme://user:password@` URL, the literal password of `databaseUrl` wherever it appears
 * (4 characters or more), and the secret shapes `redactSecrets` knows.
 */
export function scrubDatabaseUrl(text: string, databaseUrl?: string): string {
  const withoutLiterals = redactSecrets(text, urlPasswords(databaseUrl));
  return withoutLiterals.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
}

/** The database URL as it may be shown: host, port and database, no password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  return scrubDatabaseUrl(databaseUrl, databaseUrl);
}
