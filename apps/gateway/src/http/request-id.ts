import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, else a new one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && VALID_ID.test(given)) return given;
  // randomUUID draws from a pooled entropy buffer: far cheaper per call than randomBytes
  return `req_${randomUUID().replaceAll('-', '')}`;
}
