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
   * serialized directly and written in batches (one write per event-loop turn) instead of through
   * winston's stream pipeline, which cost more than the rest of the line on the hot path.
   */
  request(level: string, fields: Record<string, unknown>): void;
}

function batchedLineWriter(out: NodeJS.WritableStream): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    out.write(`${lines.join('\n')}\n`);
  };
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
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
  const writeLine = batchedLineWriter(out);
  return Object.assign(logger, {
    request(level: string, fields: Record<string, unknown>): void {
      if (!logger.isLevelEnabled(level)) return;
      const record: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) record[key] = redactField(key, value);
      }
      record.level = level;
      record.message = 'request';
      record.timestamp = new Date().toISOString();
      writeLine(JSON.stringify(record));
    },
  });
}
