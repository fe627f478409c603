import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '@app/core';

export const TIMEOUT_HEADER = 'x-gateway-timeout-ms';
/** a day: anything longer is a mistake, not a deadline */
const MAX_TIMEOUT_MS = 86_400_000;

/**
 * The caller's deadline from `x-gateway-timeout-ms` (epoch ms), undefined without the header.
 * A route's own `timeoutMs` may shorten it later; nothing lengthens it.
 * @throws GatewayError 400 naming the header when it is not an integer from 1 to 86400000
 */
export function callerDeadline(
  headers: IncomingHttpHeaders,
  startedAt: number,
): number | undefined {
  const raw = headers[TIMEOUT_HEADER];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const ms = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : NaN;
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) {
    throw GatewayError.invalidRequest(
      `The ${TIMEOUT_HEADER} header must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
      TIMEOUT_HEADER,
    );
  }
  return startedAt + ms;
}
