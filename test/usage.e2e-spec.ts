import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costNanoUsd, type Pricing } from '@app/core';
import {
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '@app/conversations/testing/postgres-test-database';
import { postEventStream } from './support/browser-sse';
import { startGateway, type RunningGateway } from './support/gateway-harness';
import { postSse } from './support/sse-client';

/**
 * The usage ledger end to end: requests of every kind through the gateway, then `GET /v1/usage`
 * adds up exactly what the responses reported (tokens, and the cost in `x-gateway-cost-usd` /
 * `usage.cost_usd`), per route, deployment, day and tenant, each caller seeing only its own. On
 * SQLite (surviving a restart: the last events are written on shutdown) and on PostgreSQL.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ACME_KEY = 'sk-acme-usage-e2e';
const GLOBEX_KEY = 'sk-globex-usage-e2e';
const OPS_KEY = 'sk-ops-usage-e2e';

const PRICES: Record<string, Pricing> = {
  'sim-small': {
    inputPerMTok: 0.15,
    cachedInputPerMTok: 0.075,
    cacheWritePerMTok: 0.15,
    outputPerMTok: 0.6,
  },
  'sim-large': {
    inputPerMTok: 2.5,
    cachedInputPerMTok: 1.25,
    cacheWritePerMTok: 2.5,
    outputPerMTok: 10,
  },
  'sim-slow': { inputPerMTok: 1, cachedInputPerMTok: 1, cacheWritePerMTok: 1, outputPerMTok: 3 },
};

const AUTH_YAML = `
auth:
  apiKeys:
    - { id: ops, sha256: ${sha256(OPS_KEY)} }
tenants:
  - id: acme
    apiKeys: [{ id: acme-ci, sha256: ${sha256(ACME_KEY)} }]
  - id: globex
    apiKeys: [{ id: globex-app, sha256: ${sha256(GLOBEX_KEY)} }]
`;

function gatewayYaml(storageYaml: string, authYaml = AUTH_YAML): string {
  const pricing = (name: string) => {
    const p = PRICES[name];
    return `{ inputPerMTok: ${p.inputPerMTok}, cachedInputPerMTok: ${p.cachedInputPerMTok}, outputPerMTok: ${p.outputPerMTok} }`;
  };
  return `
server:
  heartbeatMs: 15000
${authYaml}
providers:
  - name: fast
    type: simulator
    simulator: { firstTokenMs: 1, tokensPerSecond: 5000, seed: 1, defaultMaxTokens: 16 }
  - name: slow
    type: simulator
    simulator: { firstTokenMs: 1, tokensPerSecond: 20, seed: 2, defaultMaxTokens: 200 }
deployments:
  - { name: sim-small, provider: fast, model: sim-small, pricing: ${pricing('sim-small')} }
  - { name: sim-large, provider: fast, model: sim-large, pricing: ${pricing('sim-large')} }
  - { name: sim-slow, provider: slow, model: sim-slow, pricing: ${pricing('sim-slow')} }
routes:
  chat: { targets: [sim-small] }
  smart: { targets: [sim-large, sim-small] }
  slow: { targets: [sim-slow] }
prompts: { dir: prompts, watch: false }
${storageYaml}
`;
}

/** What one response said it used and cost. */
interface Spent {
  owner: string;
  route: string;
  deployment: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costNanoUsd: bigint;
}

interface WireCounters {
  requests: number;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: string;
  estimated_attempts: number;
  unpriced_attempts: number;
}

type WireRow = WireCounters &
  Partial<Record<'tenant' | 'key' | 'route' | 'deployment' | 'day', string | null>>;

interface UsageReport {
  object: string;
  group_by: string[];
  data: WireRow[];
  total: WireCounters;
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  cost_usd?: number;
}

/** A decimal USD string as exact nanos: "0.0000123" -> 12300n. */
function nanosOf(usd: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(usd);
  if (!match) throw new Error(`not a USD amount: ${usd}`);
  return BigInt(match[1]) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

function expectedCost(deployment: string, usage: WireUsage): bigint {
  return BigInt(
    costNanoUsd(
      {
        inputTokens: usage.prompt_tokens,
        outputTokens: usage.completion_tokens,
        totalTokens: usage.prompt_tokens + usage.completion_tokens,
        cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      },
      PRICES[deployment],
    ),
  );
}

function headersOf(key?: string): Record<string, string> {
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}

/** A non-streaming completion; its cost is the `x-gateway-cost-usd` header. */
async function complete(
  base: string,
  key: string | undefined,
  owner: string,
  route: string,
  text: string,
): Promise<Spent> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersOf(key) },
    body: JSON.stringify({
      model: route,
      max_tokens: 12,
      messages: [{ role: 'user', content: text }],
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { usage: WireUsage };
  const deployment = res.headers.get('x-gateway-deployment')!;
  const header = res.headers.get('x-gateway-cost-usd');
  expect(header).toMatch(/^\d+(\.\d+)?$/);
  const cost = nanosOf(header!);
  // the header is the request's bill at the configured prices
  expect(cost).toBe(expectedCost(deployment, body.usage));
  return {
    owner,
    route,
    deployment,
    inputTokens: body.usage.prompt_tokens,
    outputTokens: body.usage.completion_tokens,
    cachedInputTokens: body.usage.prompt_tokens_details?.cached_tokens ?? 0,
    costNanoUsd: cost,
  };
}

/**
 * A stream with `stream_options.include_usage`: the usage chunk carries the tokens and
 * `cost_usd` (a stream's headers leave before its cost is known); the cost is checked against
 * the configured prices too.
 */
async function stream(
  base: string,
  key: string | undefined,
  owner: string,
  route: string,
  text: string,
): Promise<Spent> {
  const result = await postSse(
    `${base}/v1/chat/completions`,
    {
      model: route,
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: text }],
    },
    headersOf(key),
  );
  expect(result.status).toBe(200);
  expect(result.events.at(-1)).toBe('[DONE]');
  const usageChunk = result.events.find(
    (event): event is { usage: WireUsage } =>
      typeof event === 'object' && event !== null && (event as { usage?: unknown }).usage != null,
  );
  expect(usageChunk).toBeDefined();
  const usage = usageChunk!.usage;
  const deployment = String(result.headers['x-gateway-deployment']);
  const computed = expectedCost(deployment, usage);
  // the gateway's cost of the whole request, beside the tokens
  expect(typeof usage.cost_usd).toBe('number');
  expect(BigInt(Math.round(usage.cost_usd! * 1e9))).toBe(computed);
  return {
    owner,
    route,
    deployment,
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    costNanoUsd: computed,
  };
}

async function usage(
  base: string,
  key: string | undefined,
  query: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/v1/usage${query}`, { headers: headersOf(key) });
  return { status: res.status, body: await res.json() };
}

async function report(base: string, key: string | undefined, query: string): Promise<UsageReport> {
  const { status, body } = await usage(base, key, query);
  expect(status).toBe(200);
  return body as UsageReport;
}

/** The sums a group of responses adds up to, as /v1/usage reports them. */
function sums(spent: readonly Spent[]) {
  return {
    input_tokens: spent.reduce((n, s) => n + s.inputTokens, 0),
    output_tokens: spent.reduce((n, s) => n + s.outputTokens, 0),
    cached_input_tokens: spent.reduce((n, s) => n + s.cachedInputTokens, 0),
    cost: spent.reduce((n, s) => n + s.costNanoUsd, 0n),
  };
}

function expectRowMatches(row: WireRow | undefined, spent: readonly Spent[]): void {
  expect(row).toBeDefined();
  const expected = sums(spent);
  expect({
    requests: row!.requests,
    input_tokens: row!.input_tokens,
    output_tokens: row!.output_tokens,
    cached_input_tokens: row!.cached_input_tokens,
    cost: nanosOf(row!.cost_usd),
  }).toEqual({ requests: spent.length, ...expected });
  expect(row!.attempts).toBe(spent.length);
  expect(row!.estimated_attempts).toBe(0);
  expect(row!.unpriced_attempts).toBe(0);
}

function groupBy<K extends string>(spent: readonly Spent[], key: (s: Spent) => K): Map<K, Spent[]> {
  const groups = new Map<K, Spent[]>();
  for (const s of spent) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  return groups;
}

const today = () => new Date().toISOString().slice(0, 10);

describe('GET /v1/usage on SQLite, with tenants and keys', () => {
  let dir: string;
  let gateway: RunningGateway;
  const spent: Spent[] = [];
  let storage: string;
  let startDay: string;

  beforeAll(async () => {
    startDay = today();
    dir = mkdtempSync(join(tmpdir(), 'usage-e2e-'));
    storage = `storage: { sqlitePath: ${JSON.stringify(join(dir, 'gateway.db'))} }`;
    gateway = await startGateway(gatewayYaml(storage));
    const base = gateway.url;
    // acme: non-streaming and streaming, on both routes
    spent.push(await complete(base, ACME_KEY, 'acme', 'chat', 'Hello from acme, one.'));
    spent.push(
      await complete(base, ACME_KEY, 'acme', 'chat', 'Hello from acme, two, a little longer.'),
    );
    spent.push(await stream(base, ACME_KEY, 'acme', 'chat', 'Stream me something, acme.'));
    spent.push(await complete(base, ACME_KEY, 'acme', 'smart', 'A smart question from acme.'));
    spent.push(await stream(base, ACME_KEY, 'acme', 'smart', 'A smart stream for acme.'));
    // globex
    spent.push(await complete(base, GLOBEX_KEY, 'globex', 'chat', 'Globex says hi.'));
    spent.push(await stream(base, GLOBEX_KEY, 'globex', 'smart', 'Globex streams a smart one.'));
    // a static key
    spent.push(await complete(base, OPS_KEY, 'key:ops', 'chat', 'Ops checking in.'));
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const own = (owner: string) => spent.filter((s) => s.owner === owner);

  it('by route: a tenant sees its own totals, equal to the sum of its responses', async () => {
    const body = await report(gateway.url, ACME_KEY, '?group_by=route');
    expect(body).toMatchObject({ object: 'list', group_by: ['route'] });
    const acme = own('acme');
    const byRoute = groupBy(acme, (s) => s.route);
    expect(body.data.map((row) => row.route)).toEqual(['chat', 'smart']);
    for (const row of body.data) expectRowMatches(row, byRoute.get(row.route as string)!);
    expectRowMatches({ ...body.total }, acme);
    expect(Object.keys(body.data[0])).not.toContain('tenant');
  });

  it('by deployment and by day', async () => {
    const acme = own('acme');
    const byDeployment = await report(gateway.url, ACME_KEY, '?group_by=deployment');
    const groups = groupBy(acme, (s) => s.deployment);
    expect(byDeployment.data.map((row) => row.deployment)).toEqual([...groups.keys()].sort());
    for (const row of byDeployment.data)
      expectRowMatches(row, groups.get(row.deployment as string)!);

    // the requests were made between startDay and now (the same day, unless midnight UTC passed)
    const byDay = await report(
      gateway.url,
      ACME_KEY,
      `?group_by=day&from=${startDay}&to=${today()}`,
    );
    expect(byDay.data.map((row) => row.day)).toEqual(
      startDay === today() ? [today()] : expect.arrayContaining([today()]),
    );
    expectRowMatches(byDay.total, acme);
    if (byDay.data.length === 1) expectRowMatches(byDay.data[0], acme);
    // the default grouping is by day
    expect((await report(gateway.url, ACME_KEY, '')).group_by).toEqual(['day']);
    // nothing tomorrow
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const none = await report(gateway.url, ACME_KEY, `?group_by=day&from=${tomorrow}`);
    expect(none.data).toEqual([]);
    expect(none.total).toMatchObject({ requests: 0, cost_usd: '0' });
  });

  it('by tenant, key, route, deployment and day at once, with filters', async () => {
    const body = await report(gateway.url, GLOBEX_KEY, '?group_by=tenant,key,route,deployment,day');
    const globex = own('globex');
    expect(body.data.every((row) => row.tenant === 'globex' && row.key === 'globex-app')).toBe(
      true,
    );
    expect(body.data.map((row) => [row.route, row.deployment])).toEqual(
      globex.map((s) => [s.route, s.deployment]).sort(),
    );
    expectRowMatches(body.total, globex);

    const filtered = await report(gateway.url, GLOBEX_KEY, '?group_by=route&route=smart');
    expectRowMatches(
      filtered.total,
      globex.filter((s) => s.route === 'smart'),
    );
    const byDeployment = await report(gateway.url, ACME_KEY, '?group_by=&deployment=sim-small');
    expectRowMatches(
      byDeployment.total,
      own('acme').filter((s) => s.deployment === 'sim-small'),
    );
    expect(byDeployment.data).toHaveLength(1);
    const byKey = await report(gateway.url, ACME_KEY, '?group_by=key&key=acme-ci');
    expectRowMatches(byKey.total, own('acme'));
  });

  it('isolates tenants: another tenant filter matches nothing; a static key sees only itself', async () => {
    const stolen = await report(gateway.url, ACME_KEY, '?group_by=tenant&tenant=globex');
    expect(stolen.data).toEqual([]);
    expect(stolen.total.requests).toBe(0);

    const tenants = await report(gateway.url, GLOBEX_KEY, '?group_by=tenant');
    expect(tenants.data.map((row) => row.tenant)).toEqual(['globex']);

    const ops = await report(gateway.url, OPS_KEY, '?group_by=tenant,key');
    expect(ops.data.map((row) => [row.tenant, row.key])).toEqual([['key:ops', 'ops']]);
    expectRowMatches(ops.total, own('key:ops'));

    const anonymous = await usage(gateway.url, undefined, '');
    expect(anonymous.status).toBe(401);
  });

  it('answers bad parameters with a 400 in the OpenAI shape, naming the parameter', async () => {
    const cases: [string, string][] = [
      ['?group_by=route,model', 'group_by'],
      ['?group_by=day,day', 'group_by'],
      ['?group_by=route&group_by=day', 'group_by'],
      ['?from=2026-02-30', 'from'],
      ['?to=yesterday', 'to'],
      ['?from=2026-03-02&to=2026-03-01', 'from'],
      ['?groupby=route', 'groupby'],
    ];
    for (const [query, param] of cases) {
      const { status, body } = await usage(gateway.url, ACME_KEY, query);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body).toEqual({
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          param,
          code: expect.any(String),
        },
      });
    }
  });

  it('counts a stream the caller abandoned, flagged estimated', async () => {
    const result = await postEventStream(
      `${gateway.url}/v1/chat/completions`,
      {
        model: 'slow',
        stream: true,
        messages: [{ role: 'user', content: 'Tell me a long story, please.' }],
      },
      {
        headers: headersOf(OPS_KEY),
        onEvent: (event) => {
          const chunk = event.json as { choices?: { delta?: { content?: string } }[] } | undefined;
          return chunk?.choices?.[0]?.delta?.content ? 'abort' : undefined;
        },
      },
    );
    expect(result.aborted).toBe(true);
    let slow: WireRow | undefined;
    for (let tries = 0; tries < 50 && slow === undefined; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      slow = (await report(gateway.url, OPS_KEY, '?group_by=route&route=slow')).data[0];
    }
    expect(slow).toMatchObject({ route: 'slow', requests: 1, attempts: 1, estimated_attempts: 1 });
    expect(slow!.input_tokens).toBeGreaterThan(0);
    expect(nanosOf(slow!.cost_usd)).toBeGreaterThan(0n);
  });

  it('reports the ledger in readiness', async () => {
    const ready = (await (await fetch(`${gateway.url}/health/ready`)).json()) as {
      details: Record<string, Record<string, unknown>>;
    };
    expect(ready.details.usage).toMatchObject({
      status: 'up',
      kind: 'sqlite',
      reachable: true,
      pendingEvents: expect.any(Number),
      droppedEvents: 0,
      writing: true,
    });
  });

  it('writes the last events on shutdown: a restart on the same file still has them', async () => {
    // no /v1/usage call in between: the events are only in the recorder's buffer
    spent.push(
      await complete(gateway.url, GLOBEX_KEY, 'globex', 'chat', 'One more before the restart.'),
    );
    await gateway.close();
    gateway = await startGateway(gatewayYaml(storage));
    const body = await report(gateway.url, GLOBEX_KEY, '?group_by=route');
    const globex = own('globex');
    expectRowMatches(body.total, globex);
    expectRowMatches(
      body.data.find((row) => row.route === 'chat'),
      globex.filter((s) => s.route === 'chat'),
    );
  });
});

describe('GET /v1/usage on PostgreSQL, anonymous', () => {
  const schema = uniqueSchemaName('usage_e2e');
  let gateway: RunningGateway;
  const spent: Spent[] = [];

  beforeAll(async () => {
    gateway = await startGateway(
      gatewayYaml(
        `storage: { databaseUrl: ${JSON.stringify(TEST_DATABASE_URL)}, schema: ${schema} }`,
        '',
      ),
    );
    const base = gateway.url;
    spent.push(await complete(base, undefined, 'anonymous', 'chat', 'Anonymous hello.'));
    spent.push(await stream(base, undefined, 'anonymous', 'chat', 'Anonymous stream.'));
    spent.push(await complete(base, undefined, 'anonymous', 'smart', 'Anonymous smart hello.'));
    spent.push(await stream(base, undefined, 'anonymous', 'smart', 'Anonymous smart stream.'));
  });
  afterAll(async () => {
    await gateway?.close();
    await dropSchema(schema);
  });

  it('adds up every request, per tenant, route, deployment and day', async () => {
    const body = await report(gateway.url, undefined, '?group_by=tenant,route,deployment,day');
    const groups = groupBy(spent, (s) => `${s.route}/${s.deployment}`);
    expect(body.data.map((row) => `${row.route}/${row.deployment}`)).toEqual(
      [...groups.keys()].sort(),
    );
    for (const row of body.data) {
      expect(row).toMatchObject({
        tenant: 'anonymous',
        day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(row).not.toHaveProperty('key');
      expectRowMatches(row, groups.get(`${row.route}/${row.deployment}`)!);
    }
    expectRowMatches(body.total, spent);

    const ready = (await (await fetch(`${gateway.url}/health/ready`)).json()) as {
      details: Record<string, Record<string, unknown>>;
    };
    expect(ready.details.usage).toMatchObject({ kind: 'postgres', reachable: true });
  });
});
