/**
 * Removes secrets from free text before it can reach a caller, a log line or a span: provider key
 * shapes, bearer tokens, `key=` query parameters, and any literal secret the caller names.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-(?:ant-|proj-|svcacct-)?[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /([?&](?:key|api[-_]?key|access_token|token)=)[^&\s"']+/gi,
];

export const REDACTED = '[REDACTED]';

/** One cheap test that every secret shape above fails to escape: most text skips the full scan. */
const MAYBE_SECRET = /sk-|AIza|AKIA|Bearer|Basic|eyJ|[?&](?:key|api[-_]?key|access_token|token)=/i;

export function redactSecrets(
  text: string,
  literals: readonly (string | undefined)[] = [],
): string {
  if (literals.length === 0 && (text.length < 8 || !MAYBE_SECRET.test(text))) return text;
  let out = text;
  for (const literal of literals) {
    if (literal && literal.length >= 4) out = out.split(literal).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match: string, prefix?: string) =>
      typeof prefix === 'string' && /[?&]/.test(prefix[0] ?? '')
        ? `${prefix}${REDACTED}`
        : REDACTED,
    );
  }
  return out;
}
