import {
  createRequestContext,
  makeUsage,
  type AttemptRecord,
  type RequestContext,
} from '@app/core';
import { isUsageDay, usageEventProblem, usageEventsOf, usageOwner } from './usage-event';
import { usageEvent } from './testing/usage-events';

const T0 = Date.parse('2026-03-31T23:59:59.500Z');

function attempt(overrides: Partial<AttemptRecord>): AttemptRecord {
  return {
    deployment: 'large@a',
    provider: 'a',
    kind: 'first',
    outcome: 'ok',
    startedAt: T0,
    ms: 10,
    ...overrides,
  };
}

function contextWith(meta: Partial<RequestContext['meta']>, tenant?: RequestContext['tenant']) {
  const context = createRequestContext({ requestId: 'req_abc', tenant });
  Object.assign(context.meta, meta);
  return context;
}

describe('usageOwner', () => {
  it('is the tenant id, key:<id> for a static key, anonymous without keys', () => {
    expect(usageOwner({ tenant: { id: 'acme', keyId: 'acme-ci' } })).toBe('acme');
    expect(usageOwner({ tenant: { id: 'default', keyId: 'ci' } })).toBe('key:ci');
    expect(usageOwner({})).toBe('anonymous');
  });
});

describe('usageEventsOf', () => {
  it('is one event per attempt that consumed tokens: retries, fallbacks, hedges and sub-requests', () => {
    const context = contextWith(
      {
        route: 'smart',
        prompt: { name: 'support-reply', version: 2, hash: 'h' },
        attempts: 5,
        attemptLog: [
          // refused before processing: consumed nothing, no usage
          attempt({ outcome: 'failed', code: 'rate_limited' }),
          // a retry cut mid-stream: counted by the gateway
          attempt({
            kind: 'retry',
            outcome: 'failed',
            startedAt: T0 + 600,
            usage: makeUsage(100, 7, { estimated: true }),
            costNanoUsd: 320,
          }),
          // the fallback that answered, with cache and reasoning tokens
          attempt({
            deployment: 'small@b',
            provider: 'b',
            kind: 'fallback',
            startedAt: T0 + 700,
            usage: makeUsage(120, 30, {
              cachedInputTokens: 64,
              cacheWriteTokens: 8,
              reasoningTokens: 12,
            }),
            costNanoUsd: 4_567,
          }),
          // a hedge that lost the race: read its prompt, on an unpriced deployment
          attempt({
            deployment: 'free@c',
            provider: 'c',
            kind: 'hedge',
            outcome: 'lost',
            startedAt: T0 + 800,
            usage: makeUsage(120, 0, { estimated: true }),
          }),
        ],
        subAttempts: [
          attempt({
            deployment: 'small@b',
            provider: 'b',
            startedAt: T0 - 50,
            usage: makeUsage(900, 60),
            costNanoUsd: 9_000,
          }),
          attempt({ deployment: 'small@b', provider: 'b', outcome: 'failed' }),
        ],
      },
      { id: 'acme', keyId: 'acme-ci' },
    );

    const events = usageEventsOf(context);

    expect(events).toEqual([
      {
        at: '2026-04-01T00:00:00.100Z',
        day: '2026-04-01',
        requestId: 'req_abc',
        tenant: 'acme',
        keyId: 'acme-ci',
        route: 'smart',
        deployment: 'large@a',
        provider: 'a',
        promptName: 'support-reply',
        attemptKind: 'retry',
        attemptOutcome: 'failed',
        subRequest: false,
        inputTokens: 100,
        outputTokens: 7,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        costNanoUsd: 320,
        estimated: true,
      },
      expect.objectContaining({
        deployment: 'small@b',
        attemptKind: 'fallback',
        attemptOutcome: 'ok',
        inputTokens: 120,
        outputTokens: 30,
        cachedInputTokens: 64,
        cacheWriteTokens: 8,
        reasoningTokens: 12,
        costNanoUsd: 4_567,
        estimated: false,
      }),
      expect.objectContaining({
        deployment: 'free@c',
        attemptKind: 'hedge',
        attemptOutcome: 'lost',
        costNanoUsd: null,
        estimated: true,
      }),
      // the summary: billed to this request and its route, on the day it ran
      expect.objectContaining({
        at: '2026-03-31T23:59:59.450Z',
        day: '2026-03-31',
        requestId: 'req_abc',
        route: 'smart',
        deployment: 'small@b',
        subRequest: true,
        inputTokens: 900,
        costNanoUsd: 9_000,
      }),
    ]);
    for (const event of events) {
      expect(event.id).toBeUndefined();
      expect(usageEventProblem(event)).toBeUndefined();
    }
  });

  it('is empty without attempts, and names no key or route it does not know', () => {
    expect(usageEventsOf(contextWith({}))).toEqual([]);
    const [event] = usageEventsOf(
      contextWith({ attemptLog: [attempt({ usage: makeUsage(1, 1), costNanoUsd: 2 })] }),
    );
    expect(event).toMatchObject({ tenant: 'anonymous', keyId: null, route: null });
    expect(event).not.toHaveProperty('promptName');
  });

  it('keeps whole, non-negative counts of a provider that reports odd numbers', () => {
    const [event] = usageEventsOf(
      contextWith({
        attemptLog: [
          attempt({
            usage: { inputTokens: 12.6, outputTokens: -3, totalTokens: 9, reasoningTokens: NaN },
            costNanoUsd: Number.NaN,
          }),
        ],
      }),
    );
    expect(event).toMatchObject({
      inputTokens: 13,
      outputTokens: 0,
      reasoningTokens: 0,
      costNanoUsd: null,
    });
    expect(usageEventProblem(event)).toBeUndefined();
  });

  it('names a static key as the owner', () => {
    const [event] = usageEventsOf(
      contextWith(
        { route: 'r', attemptLog: [attempt({ usage: makeUsage(1, 1) })] },
        { id: 'default', keyId: 'ci' },
      ),
    );
    expect(event).toMatchObject({ tenant: 'key:ci', keyId: 'ci' });
  });
});

describe('usageEventProblem and isUsageDay', () => {
  it('accepts real days only', () => {
    expect(isUsageDay('2026-02-28')).toBe(true);
    expect(isUsageDay('2024-02-29')).toBe(true);
    expect(isUsageDay('2026-02-29')).toBe(false);
    expect(isUsageDay('2026-13-01')).toBe(false);
    expect(isUsageDay('2026-1-01')).toBe(false);
    expect(isUsageDay('yesterday')).toBe(false);
  });

  it('names what is wrong with an event', () => {
    expect(usageEventProblem(usageEvent())).toBeUndefined();
    expect(usageEventProblem(usageEvent({ inputTokens: -1 }))).toMatch(/inputTokens/);
    expect(usageEventProblem(usageEvent({ outputTokens: 1.5 }))).toMatch(/outputTokens/);
    expect(usageEventProblem(usageEvent({ costNanoUsd: Number.NaN }))).toMatch(/costNanoUsd/);
    expect(usageEventProblem(usageEvent({ costNanoUsd: null }))).toBeUndefined();
    expect(
      usageEventProblem(usageEvent({ day: '2026-01-16', at: '2026-01-15T00:00:00Z' })),
    ).toMatch(/day/);
    expect(usageEventProblem(usageEvent({ tenant: '' }))).toMatch(/tenant/);
  });
});
