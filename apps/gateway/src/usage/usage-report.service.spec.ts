import { createRequestContext, GatewayError, makeUsage, type RequestContext } from '@app/core';
import { openUsageStore, UsageRecorder, type UsageStore } from '@app/usage';
import { parseGroupBy, usageQueryOf, UsageReportService } from './usage-report.service';
import { usageScope } from './usage-scope';

function caughtSync(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a failure');
}

describe('usage query parameters', () => {
  it('parses group_by: default day, empty none, spaces allowed', () => {
    expect(parseGroupBy(undefined)).toEqual(['day']);
    expect(parseGroupBy('')).toEqual([]);
    expect(parseGroupBy('tenant, route,deployment ,day,key')).toEqual([
      'tenant',
      'route',
      'deployment',
      'day',
      'key',
    ]);
  });

  it('refuses unknown or repeated group keys, bad days and an inverted range with a 400 param', () => {
    const all = { kind: 'all' } as const;
    expect(caughtSync(() => usageQueryOf({ group_by: 'route,model' }, all))).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'group_by',
      message: expect.stringContaining("'model'"),
    });
    expect(caughtSync(() => usageQueryOf({ group_by: 'day,day' }, all))).toMatchObject({
      param: 'group_by',
    });
    expect(caughtSync(() => usageQueryOf({ from: '2026-02-30' }, all))).toMatchObject({
      param: 'from',
    });
    expect(caughtSync(() => usageQueryOf({ to: '2026-13-01' }, all))).toMatchObject({
      param: 'to',
    });
    expect(
      caughtSync(() => usageQueryOf({ from: '2026-03-02', to: '2026-03-01' }, all)),
    ).toMatchObject({ param: 'from', message: expect.stringContaining('after') });
  });

  it('forces the owner of a scoped caller; anyone else may filter by tenant', () => {
    const owner = { kind: 'owner', owner: 'acme' } as const;
    expect(usageQueryOf({ route: 'chat', key: 'k', deployment: 'd' }, owner)).toEqual({
      groupBy: ['day'],
      route: 'chat',
      key: 'k',
      deployment: 'd',
      tenant: 'acme',
    });
    expect(usageQueryOf({ tenant: 'acme' }, owner)).toMatchObject({ tenant: 'acme' });
    expect(usageQueryOf({ tenant: 'globex' }, owner)).toBeUndefined();
    expect(usageQueryOf({ tenant: 'globex', from: '2026-01-01' }, { kind: 'all' })).toEqual({
      groupBy: ['day'],
      from: '2026-01-01',
      tenant: 'globex',
    });
  });

  it('scopes a tenant key to its tenant, a static key to itself, anonymous to everything', () => {
    const context = (tenant?: RequestContext['tenant']) =>
      createRequestContext({ requestId: 'r', tenant });
    expect(usageScope(context({ id: 'acme', keyId: 'acme-ci' }))).toEqual({
      kind: 'owner',
      owner: 'acme',
    });
    expect(usageScope(context({ id: 'default', keyId: 'ci' }))).toEqual({
      kind: 'owner',
      owner: 'key:ci',
    });
    expect(usageScope(context())).toEqual({ kind: 'all' });
  });
});

describe('UsageReportService', () => {
  let store: UsageStore;
  let recorder: UsageRecorder;
  let service: UsageReportService;

  beforeEach(async () => {
    store = await openUsageStore({ sqlitePath: ':memory:' });
    recorder = new UsageRecorder(store, { flushIntervalMs: 60_000 });
    service = new UsageReportService(store, recorder);
  });
  afterEach(async () => {
    await recorder.close();
    await store.close();
  });

  function finished(tenant: RequestContext['tenant'], route: string, cost: number): RequestContext {
    const context = createRequestContext({ requestId: `req_${route}_${cost}`, tenant });
    context.meta.route = route;
    context.meta.attemptLog = [
      {
        deployment: 'sim-small',
        provider: 'local',
        kind: 'first',
        outcome: 'ok',
        startedAt: Date.parse('2026-05-01T12:00:00Z'),
        ms: 5,
        usage: makeUsage(10, 5),
        costNanoUsd: cost,
      },
    ];
    return context;
  }

  it('writes the buffered events first, then reports only what the caller may see', async () => {
    const acme = { id: 'acme', keyId: 'acme-ci' };
    recorder.recordRequest(finished(acme, 'chat', 1_000));
    recorder.recordRequest(finished(acme, 'smart', 2_500));
    recorder.recordRequest(finished({ id: 'globex', keyId: 'g' }, 'chat', 7));

    const asAcme = createRequestContext({ requestId: 'q', tenant: acme });
    const report = await service.report({ group_by: 'tenant,route' }, asAcme);
    expect(report).toEqual({
      object: 'list',
      group_by: ['tenant', 'route'],
      data: [
        expect.objectContaining({ tenant: 'acme', route: 'chat', cost_usd: '0.000001' }),
        expect.objectContaining({ tenant: 'acme', route: 'smart', cost_usd: '0.0000025' }),
      ],
      total: {
        requests: 2,
        attempts: 2,
        input_tokens: 20,
        output_tokens: 10,
        cached_input_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: 0,
        cost_usd: '0.0000035',
        estimated_attempts: 0,
        unpriced_attempts: 0,
      },
    });
    expect(Object.keys(report.data[0])).toEqual([
      'tenant',
      'route',
      'requests',
      'attempts',
      'input_tokens',
      'output_tokens',
      'cached_input_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'cost_usd',
      'estimated_attempts',
      'unpriced_attempts',
    ]);

    const other = await service.report({ tenant: 'globex', group_by: 'route' }, asAcme);
    expect(other.data).toEqual([]);
    expect(other.total).toMatchObject({ requests: 0, cost_usd: '0' });

    const anonymous = createRequestContext({ requestId: 'q2' });
    const everything = await service.report({ group_by: 'tenant' }, anonymous);
    expect(everything.data.map((row) => row.tenant)).toEqual(['acme', 'globex']);
    expect(everything.total.cost_usd).toBe('0.000003507');
  });
});
