import type { RequestContext } from '@app/core';

/** The x-gateway-* headers describing how a request was served. */
export function gatewayHeaders(context: RequestContext): Record<string, string> {
  const { meta } = context;
  const headers: Record<string, string> = {};
  if (meta.route) headers['x-gateway-route'] = meta.route;
  if (meta.deployment) headers['x-gateway-deployment'] = meta.deployment;
  if (meta.attempts > 0) {
    headers['x-gateway-attempts'] = String(meta.attempts);
    const overhead = Math.max(0, Date.now() - context.startedAt - meta.upstreamMs);
    headers['x-gateway-overhead-ms'] = String(overhead);
  }
  return headers;
}
