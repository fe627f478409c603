/** Reads the wait an upstream asks for before the next attempt, from its response headers. */

export type HeaderBag = Record<string, string | string[] | number | undefined | null>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

function nonNegative(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

/**
 * `retry-after-ms` (OpenAI), `x-ms-retry-after-ms` (Azure), then `retry-after` as seconds or an
 * HTTP date. Returns milliseconds, or undefined when no usable hint is present.
 */
export function retryAfterFromHeaders(headers: HeaderBag, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = header(headers, name);
    if (raw !== undefined && raw.trim() !== '') {
      const ms = nonNegative(Number(raw));
      if (ms !== undefined) return ms;
    }
  }
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return nonNegative(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** OpenAI's `x-should-retry: true|false` overrides the status-based decision. */
export function shouldRetryFromHeaders(headers: HeaderBag): boolean | undefined {
  const raw = header(headers, 'x-should-retry')?.trim().toLowerCase();
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return undefined;
}

/** A protobuf Duration in JSON form, as Gemini's RetryInfo.retryDelay: `"27s"`, `"1.5s"`, `"0.250s"`. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? nonNegative(Number(match[1]) * 1000) : undefined;
}
