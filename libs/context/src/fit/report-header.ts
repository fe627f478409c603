import type { ContextReport } from './fit-types';

export const CONTEXT_REPORT_HEADER = 'x-gateway-context';

/**
 * The report as one compact header value, e.g.
 * `policy=summarize; before=9123; after=3011; dropped=0; summarized=42; cached=1`.
 */
export function formatContextReport(report: ContextReport): string {
  const fields = [
    `policy=${report.policy}`,
    `before=${report.tokensBefore}`,
    `after=${report.tokensAfter}`,
    `dropped=${report.turnsDropped}`,
    `summarized=${report.turnsSummarized}`,
  ];
  if (report.chunks !== undefined) fields.push(`chunks=${report.chunks}`);
  if (report.chunksKept !== undefined) fields.push(`kept=${report.chunksKept}`);
  if (report.summaryCached !== undefined) fields.push(`cached=${report.summaryCached ? 1 : 0}`);
  if (!report.exact) fields.push('estimated=1');
  return fields.join('; ');
}
