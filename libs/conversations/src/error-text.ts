/**
 * A one-line description of a driver error. Some have an empty message (Node's AggregateError
 * for a refused connection to a host with several addresses), so the code and the inner errors
 * are used too. The result still needs scrubbing before it is shown.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const parts: string[] = [];
  if (error.message) parts.push(error.message);
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const text = errorText(inner);
      if (!parts.includes(text)) parts.push(text);
    }
  }
  if (typeof code === 'string' && !parts.some((part) => part.includes(code))) parts.push(code);
  return parts.length > 0 ? parts.join('; ') : error.name;
}
