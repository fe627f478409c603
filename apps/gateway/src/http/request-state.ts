import type { RequestContext } from '@app/core';

/** What the gateway keeps on each Fastify request. */
export interface GatewayRequestState {
  context: RequestContext;
  /** aborting it cancels every upstream call of the request */
  controller: AbortController;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway: GatewayRequestState;
  }
}
