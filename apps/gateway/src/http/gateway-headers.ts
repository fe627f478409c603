import {
  requestBill,
  type ContextReport,
  type QualityReport,
  type RequestContext,
} from '@app/core';
import { requestCostUsd } from './request-cost';

/** Gateway time spent on a request so far: elapsed time minus time waiting on upstreams. */
export function overheadMs(context: RequestContext): number {
  return Math.max(0, Date.now() - context.startedAt - context.meta.upstreamMs);
}

/**
 * The x-gateway-* headers describing how a request was served. A stream's headers leave before
 * its upstream has finished (`settled: false`), so they carry no overhead, fallback or hedge
 * figures (the log line has them) and name the deployment of the attempt that opened the stream.
 */
export function gatewayHeaders(
  context: RequestContext,
  options: { settled: boolean } = { settled: true },
): Record<string, string> {
  const { meta } = context;
  const headers: Record<string, string> = {};
  if (meta.route) headers['x-gateway-route'] = meta.route;
  if (meta.deployment) headers['x-gateway-deployment'] = meta.deployment;
  if (meta.prompt) {
    headers['x-gateway-prompt'] = `${meta.prompt.name}@${meta.prompt.version}`;
    headers['x-gateway-prompt-hash'] = meta.prompt.hash;
  }
  if (meta.context?.applied) headers['x-gateway-context'] = contextHeader(meta.context);
  if (meta.attempts > 0) {
    headers['x-gateway-attempts'] = String(meta.attempts);
    if (options.settled) {
      headers['x-gateway-fallback'] = meta.fallback ? 'true' : 'false';
      if (meta.hedged) headers['x-gateway-hedged'] = 'true';
      headers['x-gateway-overhead-ms'] = String(overheadMs(context));
      const bill = requestBill(meta);
      const cost = requestCostUsd(context, bill);
      if (cost !== undefined) headers['x-gateway-cost-usd'] = cost;
      if (bill?.estimated) headers['x-gateway-usage-estimated'] = 'true';
    }
  }
  if (options.settled && meta.quality !== undefined) {
    const quality = qualityHeader(meta.quality);
    if (quality !== undefined) headers['x-gateway-quality'] = quality;
  }
  return headers;
}

/**
 * What the output checks found, when they found anything: `schema=repaired; repairs=1`,
 * `schema=invalid; repairs=1; flagged=true`, `truncated`, `empty`, `refusal`, joined by `; `.
 * Non-streamed answers only: a stream's headers leave before its output is known.
 */
export function qualityHeader(report: QualityReport): string | undefined {
  const found: string[] = [];
  if (report.schema !== undefined && report.schema !== 'valid')
    found.push(`schema=${report.schema}`);
  if (report.repairs) found.push(`repairs=${report.repairs}`);
  if (report.flagged) found.push('flagged=true');
  if (report.truncated) found.push('truncated');
  if (report.empty) found.push('empty');
  if (report.refusal) found.push('refusal');
  return found.length === 0 ? undefined : found.join('; ');
}

/** What the context-window step did: `policy=truncate; before=9120; after=3980; dropped=12; summarized=0; window=4096`. */
export function contextHeader(report: ContextReport): string {
  let header =
    `policy=${report.policy}; before=${report.tokensBefore}; after=${report.tokensAfter}; ` +
    `dropped=${report.turnsDropped}; summarized=${report.turnsSummarized}; window=${report.window}`;
  if (report.chunks !== undefined) header += `; chunks=${report.chunks}`;
  if (report.summaryCached) header += '; cached=true';
  return header;
}
