import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequestContext, GatewayError, type RequestContext } from '@app/core';
import type { GatewayLogger } from '@app/observability';
import type { LifecycleService } from '../lifecycle/lifecycle.service';
import { gatewayHeaders, overheadMs } from './gateway-headers';
import { callerDeadline } from './request-deadline';
import type { GatewayRequestState } from './request-state';

const PROBE_PREFIXES = ['/health/', '/metrics'];

function isProbe(url: string): boolean {
  return PROBE_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/**
 * Per-request plumbing on the Fastify instance: the RequestContext (id, abort signal, start time),
 * `x-request-id` on every response, `x-gateway-*` headers, cancelling upstream work when the
 * client goes away, refusing new work while draining, and one log line per request.
 */
export function installRequestHooks(
  fastify: FastifyInstance,
  lifecycle: LifecycleService,
  logger: GatewayLogger,
): void {
  // the real value is set per request in onRequest; null keeps the request shape stable
  fastify.decorateRequest('gateway', null as unknown as GatewayRequestState);

  fastify.addHook('onRequest', (request, reply, done) => {
    const controller = new AbortController();
    const context = createRequestContext({
      requestId: request.id,
      signal: controller.signal,
    });
    request.gateway = { context, controller };
    void reply.header('x-request-id', request.id);
    lifecycle.enter(controller);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        context.meta.streamOutcome ??= 'cancelled';
        controller.abort();
      }
      lifecycle.leave(controller);
      logRequest(logger, request, reply, context);
    });
    if (lifecycle.draining && !isProbe(request.url)) {
      const error = GatewayError.unavailable(
        'The gateway is shutting down.',
        1000,
        'shutting_down',
      );
      void reply
        .code(503)
        .headers({ connection: 'close', 'retry-after': '1' })
        .send(error.toJSON());
      return;
    }
    try {
      const deadline = callerDeadline(request.headers, context.startedAt);
      if (deadline !== undefined) context.deadline = deadline;
    } catch (error) {
      const failure = error as GatewayError;
      context.meta.errorCode = failure.code;
      void reply.code(failure.status).send(failure.toJSON());
      return;
    }
    done();
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const context = request.gateway?.context;
    if (context) void reply.headers(gatewayHeaders(context));
    done(null, payload);
  });
}

function logRequest(
  logger: GatewayLogger,
  request: FastifyRequest,
  reply: FastifyReply,
  context: RequestContext,
): void {
  const { meta } = context;
  const status = reply.raw.statusCode;
  const path = request.url.split('?', 1)[0];
  const level = isProbe(path) ? 'debug' : status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger.request(level, {
    requestId: context.requestId,
    method: request.method,
    path,
    status,
    latencyMs: Date.now() - context.startedAt,
    overheadMs: meta.attempts > 0 ? overheadMs(context) : undefined,
    ttftMs: meta.ttftMs,
    tenant: context.tenant?.id,
    keyId: context.tenant?.keyId,
    route: meta.route,
    deployment: meta.deployment,
    provider: meta.provider,
    attempts: meta.attempts || undefined,
    fallback: meta.fallback || undefined,
    hedged: meta.hedged,
    inputTokens: meta.usage?.inputTokens,
    outputTokens: meta.usage?.outputTokens,
    cachedInputTokens: meta.usage?.cachedInputTokens,
    stream: meta.streamOutcome,
    errorCode: meta.errorCode,
    prompt: meta.prompt?.name,
    promptVersion: meta.prompt?.version,
    promptHash: meta.prompt?.hash,
    contextPolicy: meta.context?.applied ? meta.context.policy : undefined,
    contextTokensBefore: meta.context?.applied ? meta.context.tokensBefore : undefined,
    contextTokensAfter: meta.context?.applied ? meta.context.tokensAfter : undefined,
    turnsDropped: meta.context?.turnsDropped || undefined,
    turnsSummarized: meta.context?.turnsSummarized || undefined,
  });
}
