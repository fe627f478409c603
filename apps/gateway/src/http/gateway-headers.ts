import type { RequestContext } from '@app/core';

/** Gateway time spent on a request so far: elapsed time minus time waiting on upstreams. */
export function overheadMs(context: RequestContext): number {
  return Math.max(0, Date.now() - context.startedAt - context.meta.upstreamMs);
}

/**
 * The x-gateway-* headers describing how a request was served. A stream's headers leave before
 * its upstream has finished, so they carry no overhead figure (the log line has it).
 */
export function gatewayHeaders(
  context: RequestContext,
  options: { overhead: boolean } = { overhead: true },
): Record<string, string> {
  const { meta } = context;
  const headers: Record<string, string> = {};
  if (meta.route) headers['x-gateway-route'] = meta.route;
  if (meta.deployment) headers['x-gateway-deployment'] = meta.deployment;
  if (meta.attempts > 0) {
    headers['x-gateway-attempts'] = String(meta.attempts);
    if (options.overhead) headers['x-gateway-overhead-ms'] = String(overheadMs(context));
  }
  return headers;
}
