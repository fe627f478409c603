/** Cancels a scheduled callback or an abort listener; safe to call more than once. */
export type Cancel = () => void;

/** Runs `fn` after `ms` (on the next turn of the event loop when `ms` <= 0). */
export function schedule(ms: number, fn: () => void): Cancel {
  if (!(ms > 0)) {
    const handle = setImmediate(fn);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}

/** Calls `fn` once when `signal` aborts; the returned function removes the listener. */
export function onAbort(signal: AbortSignal, fn: () => void): Cancel {
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}
