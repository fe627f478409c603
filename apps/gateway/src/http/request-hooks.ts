import type { FastifyInstance } from 'fastify';
import {
  createRequestContext,
  formatUsd,
  GatewayError,
  requestBill,
  type AttemptRecord,
  type QualityReport,
} from '@app/core';
import type { GatewayLogger } from '@app/observability';
import type { LifecycleService } from '../lifecycle/lifecycle.service';
import { gatewayHeaders, overheadMs } from './gateway-headers';
import { requestCostUsd } from './request-cost';
import { callerDeadline } from './request-deadline';
import type { FinishedRequest, RequestObservers } from './request-observers';
import type { GatewayRequestState } from './request-state';

const PROBE_PREFIXES = ['/health/', '/metrics'];

function isProbe(url: string): boolean {
  return PROBE_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/**
 * Per-request plumbing on the Fastify instance: the RequestContext (id, abort signal, start time),
 * `x-request-id` on every response, `x-gateway-*` headers, cancelling upstream work when the
 * client goes away, refusing new work while draining, one log line per request, and the request
 * observers (metrics, usage, traces) told when each request starts and ends.
 */
export function installRequestHooks(
  fastify: FastifyInstance,
  lifecycle: LifecycleService,
  logger: GatewayLogger,
  observers: RequestObservers,
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
    observers.started(context, request.headers);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        context.meta.streamOutcome ??= 'cancelled';
        controller.abort();
      }
      lifecycle.leave(controller);
      const path = request.url.split('?', 1)[0];
      const finished: FinishedRequest = {
        context,
        method: request.method,
        path,
        status: reply.raw.statusCode,
        latencyMs: Date.now() - context.startedAt,
        probe: isProbe(path),
      };
      logRequest(logger, finished);
      observers.finished(finished);
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

function logRequest(logger: GatewayLogger, finished: FinishedRequest): void {
  const { context, status, path } = finished;
  const { meta } = context;
  const level = finished.probe ? 'debug' : status >= 500 ? 'error' : 'info';
  if (meta.attemptLog !== undefined && logger.isLevelEnabled('debug')) {
    logAttempts(logger, context.requestId, meta.attemptLog, meta.subAttempts);
  }
  if (!logger.isLevelEnabled(level)) return;
  // the tokens and cost of every attempt (failed, lost and sub-requests included), not only the answer's
  const bill = requestBill(meta);
  const cost = requestCostUsd(context, bill);
  logger.request(level, {
    requestId: context.requestId,
    method: finished.method,
    path,
    status,
    latencyMs: finished.latencyMs,
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
    inputTokens: bill?.usage.inputTokens,
    outputTokens: bill?.usage.outputTokens,
    cachedInputTokens: bill?.usage.cachedInputTokens,
    cacheWriteTokens: bill?.usage.cacheWriteTokens,
    reasoningTokens: bill?.usage.reasoningTokens,
    estimated: bill?.estimated || undefined,
    costUsd: cost === undefined ? undefined : Number(cost),
    finishReason: meta.finishReason,
    quality: qualityField(meta.quality),
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

/** One debug line per upstream attempt: deployment, kind, outcome, time, tokens and cost. */
function logAttempts(
  logger: GatewayLogger,
  requestId: string,
  attempts: readonly AttemptRecord[],
  subAttempts: readonly AttemptRecord[] | undefined,
): void {
  const line = (attempt: AttemptRecord, index: number, sub: boolean) =>
    logger.request('debug', {
      message: 'attempt',
      requestId,
      attempt: index + 1,
      subRequest: sub || undefined,
      deployment: attempt.deployment,
      provider: attempt.provider,
      kind: attempt.kind,
      outcome: attempt.outcome,
      errorCode: attempt.code,
      ms: attempt.ms,
      inputTokens: attempt.usage?.inputTokens,
      outputTokens: attempt.usage?.outputTokens,
      estimated: attempt.usage?.estimated,
      costUsd:
        attempt.costNanoUsd === undefined ? undefined : Number(formatUsd(attempt.costNanoUsd)),
      finishReason: attempt.finishReason,
    });
  attempts.forEach((attempt, index) => line(attempt, index, false));
  subAttempts?.forEach((attempt, index) => line(attempt, index, true));
}

/** The output checks that found something, as one short field: `schema=repaired,truncated`. */
function qualityField(quality: QualityReport | undefined): string | undefined {
  if (quality === undefined) return undefined;
  const found: string[] = [];
  if (quality.schema !== undefined && quality.schema !== 'valid')
    found.push(`schema=${quality.schema}`);
  if (quality.empty) found.push('empty');
  if (quality.truncated) found.push('truncated');
  if (quality.refusal) found.push('refusal');
  if (quality.flagged) found.push('flagged');
  return found.length === 0 ? undefined : found.join(',');
}
