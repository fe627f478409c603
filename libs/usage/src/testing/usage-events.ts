import type { UsageEvent } from '../usage-event';

/** A valid event on 2026-01-15 with small numbers; override what the test is about. */
export function usageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  const at = overrides.at ?? `${overrides.day ?? '2026-01-15'}T10:00:00.000Z`;
  return {
    at,
    day: at.slice(0, 10),
    requestId: 'req_1',
    tenant: 'acme',
    keyId: 'acme-ci',
    route: 'chat',
    deployment: 'small@local',
    provider: 'local',
    attemptKind: 'first',
    attemptOutcome: 'ok',
    subRequest: false,
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costNanoUsd: 1000,
    estimated: false,
    ...overrides,
  };
}
