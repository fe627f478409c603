import { sql, type Kysely } from 'kysely';
import type { PingResult } from './conversation.types';
import { errorText } from './error-text';

/**
 * `select 1` against a store's database, answered within `timeoutMs`: the latency, or the error
 * (passed through `scrub`, so no credentials leave). Shared by every store on these dialects.
 */
export async function pingDatabase<DB>(
  db: Kysely<DB>,
  scrub: (text: string) => string,
  timeoutMs: number,
): Promise<PingResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<PingResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `The database did not answer within ${timeoutMs} ms.` }),
      timeoutMs,
    );
  });
  const query = sql`select 1`.execute(db).then(
    (): PingResult => ({ ok: true, latencyMs: performance.now() - started }),
    (error: unknown): PingResult => ({ ok: false, error: scrub(errorText(error)) }),
  );
  try {
    return await Promise.race([query, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
