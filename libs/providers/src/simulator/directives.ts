/**
 * Per-request control of the simulator from the prompt: directives `[[sim:key=value,...]]` in the
 * text of the LAST user message. See README.md for the list.
 */

export interface SimDirectives {
  /** fail before the first token with this upstream HTTP status, or drop the connection */
  fail?: number | 'reset';
  /** retry hint sent with `fail` (default for 429: 1000 ms) */
  retryAfterMs?: number;
  /** streams: error after this many chunks; complete(): a connection reset */
  cutAfterChunks?: number;
  /** extra wait before the first token, ms; with `stallAfter`, a pause in the middle instead */
  stallMs?: number;
  /** streams: pause `stall` ms after this many chunks (complete(): answer that much later) */
  stallAfterChunks?: number;
  /** answer with a tool call: `true` picks one like tool_choice 'required', a name picks that tool */
  tool?: true | string;
  /** reply with exactly this many tokens (finish reason `stop`) */
  tokens?: number;
  /** fail / cut / stall apply only to the first N attempts with the same request id */
  times?: number;
}

const MARKER = '[[sim:';
const DIRECTIVE = /\[\[sim:([^\]]*)\]\]/g;
const EMPTY: SimDirectives = Object.freeze({});

function count(value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

function apply(out: SimDirectives, rawKey: string, value: string | undefined): void {
  const key = rawKey.toLowerCase().replace(/[-_]/g, '');
  switch (key) {
    case 'fail':
      out.fail = value?.toLowerCase() === 'reset' ? 'reset' : (count(value, 400, 599) ?? out.fail);
      break;
    case 'retryafter':
      out.retryAfterMs = count(value, 0) ?? out.retryAfterMs;
      break;
    case 'cut':
      out.cutAfterChunks = count(value, 0) ?? out.cutAfterChunks;
      break;
    case 'stall':
      out.stallMs = count(value, 0) ?? out.stallMs;
      break;
    case 'stallafter':
      out.stallAfterChunks = count(value, 1) ?? out.stallAfterChunks;
      break;
    case 'tool':
      out.tool = value === undefined || value === '' ? true : value;
      break;
    case 'tokens':
      out.tokens = count(value, 0, 1_000_000) ?? out.tokens;
      break;
    case 'times':
      out.times = count(value, 1) ?? out.times;
      break;
    default:
      break; // unknown keys are ignored
  }
}

/** Reads every `[[sim:...]]` directive of a text; later values win, unknown keys are ignored. */
export function parseDirectives(text: string): SimDirectives {
  if (!text.includes(MARKER)) return EMPTY;
  const out: SimDirectives = {};
  for (const match of text.matchAll(DIRECTIVE)) {
    for (const entry of match[1].split(/[\s,;]+/)) {
      if (entry === '') continue;
      const eq = entry.indexOf('=');
      if (eq < 0) apply(out, entry, undefined);
      else apply(out, entry.slice(0, eq), entry.slice(eq + 1));
    }
  }
  return out;
}

/** Whether the directives inject a fault (as opposed to only shaping the reply). */
export function hasFaultDirective(directives: SimDirectives): boolean {
  return (
    directives.fail !== undefined ||
    directives.cutAfterChunks !== undefined ||
    directives.stallMs !== undefined
  );
}
