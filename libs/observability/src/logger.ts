import { createLogger, format, transports, type Logger } from 'winston';
import { REDACTED, redactSecrets } from '@app/core';

/** Field names whose values are secrets wherever they appear in a log record. */
const SECRET_KEYS =
  /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|apikey|api_key|password|secret|token|access_token|refresh_token|cookie|set-cookie)$/i;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.test(key) ? REDACTED : scrub(inner, depth + 1);
  }
  return out;
}

/** One top-level field of a log record, with its secrets removed. */
function redactField(key: string, value: unknown): unknown {
  return SECRET_KEYS.test(key) ? REDACTED : scrub(value, 0);
}

/** A winston format that removes secrets from every field and message, whatever the caller logs. */
export const redactFormat = format((info) => {
  for (const key of Object.keys(info)) info[key] = redactField(key, info[key]);
  return info;
});

/** winston's key for the rendered line (triple-beam's MESSAGE) */
const MESSAGE = Symbol.for('message');

/**
 * JSON lines with the native serializer (several times faster than logform's key-sorting one);
 * a record that cannot be serialized natively (a cycle) falls back to logform's safe one.
 */
const safeJson = format.json();
const fastJson = format((info) => {
  try {
    (info as unknown as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(info);
    return info;
  } catch {
    return safeJson.transform(info, safeJson.options);
  }
});

export interface LoggerOptions {
  level: string;
  /** where lines go; stdout by default (tests pass a capturing stream) */
  stream?: NodeJS.WritableStream;
}

/** The process logger, plus the one line per finished request on a cheaper path. */
export interface GatewayLogger extends Logger {
  /**
   * Writes the request line: same JSON shape and the same redaction as every other line, but
   * serialized directly and written in batches (at most 25 ms or 64 KB apart) instead of through
   * winston's stream pipeline, which cost more than the rest of the line on the hot path.
   */
  request(level: string, fields: Record<string, unknown>): void;
  /** writes the pending request lines now (shutdown, tests) */
  flushRequests(): void;
}

/** request lines wait at most this long before they are written */
const BATCH_MS = 25;
/** ...or until this many characters are pending */
const BATCH_CHARS = 64 * 1024;

interface LineWriter {
  write: (line: string) => void;
  flush: () => void;
}

/** writers with lines that are not written yet; one exit listener writes them all */
const unflushed = new Set<LineWriter>();
let exitHookInstalled = false;

function flushOnExit(writer: LineWriter): void {
  unflushed.add(writer);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pending of unflushed) pending.flush();
  });
}

/**
 * Collects lines and writes them together: stdout to a file or pipe is a synchronous write per
 * call on Linux, and one write per request line cost a system call per request. Pending lines are
 * written when the process exits.
 */
function batchedLineWriter(out: NodeJS.WritableStream): LineWriter {
  let pending: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const writer: LineWriter = {
    write: (line) => {
      pending.push(line);
      chars += line.length;
      if (chars >= BATCH_CHARS) writer.flush();
      else if (timer === undefined) {
        timer = setTimeout(writer.flush, BATCH_MS).unref();
        flushOnExit(writer);
      }
    },
    flush: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      unflushed.delete(writer);
      if (pending.length === 0) return;
      const lines = pending;
      pending = [];
      chars = 0;
      out.write(`${lines.join('\n')}\n`);
    },
  };
  return writer;
}

/** The process logger: one JSON object per line, secrets redacted by the logger itself. */
export function createGatewayLogger(options: LoggerOptions): GatewayLogger {
  const out = options.stream ?? process.stdout;
  const logger = createLogger({
    level: options.level,
    format: format.combine(
      format.timestamp(),
      format.errors({ stack: true }),
      redactFormat(),
      fastJson(),
    ),
    transports: [new transports.Stream({ stream: out })],
  });
  const lines = batchedLineWriter(out);
  return Object.assign(logger, {
    request(level: string, fields: Record<string, unknown>): void {
      if (!logger.isLevelEnabled(level)) return;
      const record: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) record[key] = redactField(key, value);
      }
      record.level = level;
      // `request` unless the caller names the line (the per-attempt debug lines say `attempt`)
      if (typeof record.message !== 'string') record.message = 'request';
      record.timestamp = new Date().toISOString();
      lines.write(JSON.stringify(record));
    },
    flushRequests: lines.flush,
  });
}
