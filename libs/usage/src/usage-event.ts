import type { AttemptRecord, RequestContext } from '@app/core';
import { DEFAULT_TENANT } from '@app/tenancy';

/**
 * One upstream attempt that consumed tokens, as the usage ledger keeps it: who asked (tenant and
 * key), through which route, on which deployment, when, what it used and what it cost.
 */
export interface UsageEvent {
  /** unique per event, so a retried write of the same batch is not counted twice; set by the recorder */
  id?: string;
  /** when the attempt started, ISO 8601 UTC */
  at: string;
  /** the UTC day of `at`, YYYY-MM-DD */
  day: string;
  /** the request the attempt was billed to (a summary sub-request's attempts go to its parent) */
  requestId: string;
  /** the owner: the tenant id, `key:<keyId>` for a static key, `anonymous` without keys */
  tenant: string;
  /** the API key's id (never the key); null without keys */
  keyId: string | null;
  /** the route the caller asked for; null when the request named none */
  route: string | null;
  deployment: string;
  provider: string;
  /** the prompt template the request was rendered from */
  promptName?: string;
  /** first try, retry, fallback or hedge */
  attemptKind: AttemptRecord['kind'];
  /** how the attempt ended: ok, failed, cancelled, lost (to a hedge) */
  attemptOutcome: AttemptRecord['outcome'];
  /** made on the request's behalf outside its route (a context-window summary) */
  subRequest: boolean;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** billionths of a US dollar (an integer); null when the deployment has no prices */
  costNanoUsd: number | null;
  /** the tokens were counted by the gateway, not reported by the provider */
  estimated: boolean;
}

/** `anonymous`: the owner of every request on a gateway without API keys (loopback only). */
export const ANONYMOUS_OWNER = 'anonymous';

/**
 * Whose usage a request is, as the conversations are owned (`conversationOwner`): the caller's
 * tenant; for a static key (no tenant) the key, as `key:<keyId>` (tenant ids cannot contain `:`);
 * `anonymous` on a gateway without keys.
 */
export function usageOwner(context: Pick<RequestContext, 'tenant'>): string {
  const tenant = context.tenant;
  if (tenant === undefined) return ANONYMOUS_OWNER;
  if (tenant.id !== DEFAULT_TENANT) return tenant.id;
  return `key:${tenant.keyId ?? DEFAULT_TENANT}`;
}

/**
 * The usage events of a finished request: one per attempt that consumed tokens (its `usage` is
 * set), its own attempts (`meta.attemptLog`: first, retries, fallbacks, hedges, whatever their
 * outcome) then the sub-requests billed to it (`meta.subAttempts`). Pure: no ids, no clock.
 */
export function usageEventsOf(context: RequestContext): UsageEvent[] {
  const { meta } = context;
  const events: UsageEvent[] = [];
  const shared = {
    requestId: context.requestId,
    tenant: usageOwner(context),
    keyId: context.tenant?.keyId ?? null,
    route: meta.route ?? null,
  };
  const add = (records: readonly AttemptRecord[] | undefined, subRequest: boolean) => {
    if (records === undefined) return;
    for (const record of records) {
      const usage = record.usage;
      if (usage === undefined) continue;
      const at = new Date(record.startedAt).toISOString();
      const event: UsageEvent = {
        at,
        day: at.slice(0, 10),
        ...shared,
        deployment: record.deployment,
        provider: record.provider,
        attemptKind: record.kind,
        attemptOutcome: record.outcome,
        subRequest,
        inputTokens: tokens(usage.inputTokens),
        outputTokens: tokens(usage.outputTokens),
        cachedInputTokens: tokens(usage.cachedInputTokens),
        cacheWriteTokens: tokens(usage.cacheWriteTokens),
        reasoningTokens: tokens(usage.reasoningTokens),
        costNanoUsd: nanos(record.costNanoUsd),
        estimated: usage.estimated === true,
      };
      if (meta.prompt !== undefined) event.promptName = meta.prompt.name;
      events.push(event);
    }
  };
  add(meta.attemptLog, false);
  add(meta.subAttempts, true);
  return events;
}

/** A provider's count as the ledger keeps it: a whole number, never negative (absent: 0). */
function tokens(count: number | undefined): number {
  return count !== undefined && Number.isFinite(count) ? Math.max(0, Math.round(count)) : 0;
}

/** A cost as the ledger keeps it; one that is not a number counts as unpriced. */
function nanos(cost: number | undefined): number | null {
  return cost !== undefined && Number.isFinite(cost) ? Math.max(0, Math.round(cost)) : null;
}

const TOKEN_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'reasoningTokens',
] as const;

/** What is wrong with an event the ledger cannot store (undefined: nothing). */
export function usageEventProblem(event: UsageEvent): string | undefined {
  for (const field of TOKEN_FIELDS) {
    const value = event[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      return `${field} must be a non-negative integer`;
    }
  }
  const cost = event.costNanoUsd;
  if (cost !== null && (!Number.isSafeInteger(cost) || cost < 0)) {
    return 'costNanoUsd must be a non-negative integer or null';
  }
  if (!isUsageDay(event.day) || !event.at.startsWith(event.day)) {
    return 'day must be the YYYY-MM-DD UTC day of at';
  }
  for (const field of ['requestId', 'tenant', 'deployment', 'provider'] as const) {
    if (typeof event[field] !== 'string' || event[field].length === 0) {
      return `${field} must be a non-empty string`;
    }
  }
  return undefined;
}

/** A real calendar day as YYYY-MM-DD (2026-02-30 is not one). */
export function isUsageDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00.000Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}
