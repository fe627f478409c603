import { createRequestContext, makeUsage, type RequestContext } from '@app/core';
import { gatewayHeaders } from './gateway-headers';

describe('gatewayHeaders', () => {
  const NOW = 1_700_000_010_000;
  let context: RequestContext;

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    context = createRequestContext({ requestId: 'req-1', startedAt: NOW - 500 });
  });
  afterEach(() => jest.useRealTimers());

  it('is empty before anything was routed or attempted', () => {
    expect(gatewayHeaders(context)).toEqual({});
  });

  it('names the prompt template and what the context step did, only when it changed the request', () => {
    context.meta.prompt = { name: 'support-reply', version: 2, hash: 'ab'.repeat(32) };
    const report = {
      policy: 'summarize' as const,
      applied: false,
      tokensBefore: 900,
      tokensAfter: 900,
      window: 4096,
      reservedOutput: 1024,
      turnsDropped: 0,
      turnsSummarized: 0,
    };
    context.meta.context = report;
    expect(gatewayHeaders(context)).toEqual({
      'x-gateway-prompt': 'support-reply@2',
      'x-gateway-prompt-hash': 'ab'.repeat(32),
    });
    context.meta.context = { ...report, applied: true, tokensAfter: 2100, turnsSummarized: 40 };
    context.meta.context.tokensBefore = 9000;
    context.meta.context.summaryCached = true;
    expect(gatewayHeaders(context)['x-gateway-context']).toBe(
      'policy=summarize; before=9000; after=2100; dropped=0; summarized=40; window=4096; cached=true',
    );
  });

  it('names the route only once it is known', () => {
    context.meta.route = 'chat';
    expect(gatewayHeaders(context)).toEqual({ 'x-gateway-route': 'chat' });
  });

  it('names route, deployment, attempts, fallback and the overhead beside upstream time', () => {
    Object.assign(context.meta, {
      route: 'chat',
      deployment: 'gpt@openai',
      attempts: 2,
      upstreamMs: 420,
    });
    expect(gatewayHeaders(context)).toEqual({
      'x-gateway-route': 'chat',
      'x-gateway-deployment': 'gpt@openai',
      'x-gateway-attempts': '2',
      'x-gateway-fallback': 'false',
      'x-gateway-overhead-ms': '80',
      // attempts were made and none consumed tokens
      'x-gateway-cost-usd': '0',
    });
  });

  it("carries the request's cost over every attempt, and whether tokens were counted", () => {
    const attempt = { provider: 'p', startedAt: 0, ms: 5 } as const;
    Object.assign(context.meta, {
      attempts: 2,
      attemptLog: [
        {
          ...attempt,
          deployment: 'a',
          kind: 'first',
          outcome: 'failed',
          usage: makeUsage(40, 3, { estimated: true }),
          costNanoUsd: 7_800,
        },
        {
          ...attempt,
          deployment: 'b',
          kind: 'fallback',
          outcome: 'ok',
          usage: makeUsage(40, 10),
          costNanoUsd: 12_000,
        },
      ],
    });
    expect(gatewayHeaders(context)).toMatchObject({
      'x-gateway-cost-usd': '0.0000198',
      'x-gateway-usage-estimated': 'true',
    });
    // an unpriced attempt: no cost rather than an understated one
    delete context.meta.attemptLog?.[1].costNanoUsd;
    expect(gatewayHeaders(context)['x-gateway-cost-usd']).toBeUndefined();
  });

  it('says when a fallback answered and when a hedge was started', () => {
    Object.assign(context.meta, { attempts: 3, fallback: true, hedged: true });
    expect(gatewayHeaders(context)).toMatchObject({
      'x-gateway-fallback': 'true',
      'x-gateway-hedged': 'true',
    });
  });

  it('never reports a negative overhead', () => {
    Object.assign(context.meta, { attempts: 1, upstreamMs: 900 });
    expect(gatewayHeaders(context)['x-gateway-overhead-ms']).toBe('0');
  });

  it('reads the clock when called, so later calls see more elapsed time', () => {
    Object.assign(context.meta, { attempts: 1, upstreamMs: 100 });
    expect(gatewayHeaders(context)['x-gateway-overhead-ms']).toBe('400');
    jest.advanceTimersByTime(250);
    expect(gatewayHeaders(context)['x-gateway-overhead-ms']).toBe('650');
  });

  it('leaves out what is not known yet when the stream headers leave', () => {
    Object.assign(context.meta, { route: 'chat', attempts: 1, upstreamMs: 100, fallback: true });
    expect(gatewayHeaders(context, { settled: false })).toEqual({
      'x-gateway-route': 'chat',
      'x-gateway-attempts': '1',
    });
  });

  it('says what the output checks found, only when they found something', () => {
    context.meta.quality = { schema: 'valid' };
    expect(gatewayHeaders(context)['x-gateway-quality']).toBeUndefined();
    context.meta.quality = { schema: 'repaired', repairs: 1 };
    expect(gatewayHeaders(context)['x-gateway-quality']).toBe('schema=repaired; repairs=1');
    context.meta.quality = { schema: 'invalid', repairs: 1, flagged: true };
    expect(gatewayHeaders(context)['x-gateway-quality']).toBe(
      'schema=invalid; repairs=1; flagged=true',
    );
    context.meta.quality = { schema: 'invalid', flagged: true };
    expect(gatewayHeaders(context)['x-gateway-quality']).toBe('schema=invalid; flagged=true');
    context.meta.quality = { truncated: true, empty: true, refusal: true };
    expect(gatewayHeaders(context)['x-gateway-quality']).toBe('truncated; empty; refusal');
    // a stream's headers leave before its output is known
    expect(gatewayHeaders(context, { settled: false })['x-gateway-quality']).toBeUndefined();
  });
});
