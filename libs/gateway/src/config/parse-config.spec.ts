import {
  DEFAULT_BREAKER,
  DEFAULT_CONTEXT,
  DEFAULT_CONVERSATIONS,
  DEFAULT_QUALITY,
  DEFAULT_RETRY,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
  DEFAULT_SIMULATOR,
  DEFAULT_TIMEOUTS,
} from './config.defaults';
import { parseConfig } from './load-config';

const MINIMAL = `
providers:
  - name: local
    type: simulator
deployments:
  - name: sim
    provider: local
    model: sim
routes:
  default:
    targets: [sim]
`;

describe('parseConfig: defaults', () => {
  const config = parseConfig(MINIMAL, {}, 'minimal.yaml');

  it('fills every defaulted field', () => {
    expect(config.source).toBe('minimal.yaml');
    expect(config.server).toEqual(DEFAULT_SERVER);
    expect(config.auth).toEqual({ allowAnonymous: false, apiKeys: [] });
    expect(config.tenants).toEqual([]);
    expect(config.providers[0]).toEqual({
      name: 'local',
      type: 'simulator',
      maxConcurrent: 256,
      maxQueue: 512,
      queueTimeoutMs: 10_000,
      timeouts: DEFAULT_TIMEOUTS,
      headers: {},
      simulator: {
        ...DEFAULT_SIMULATOR,
        faults: {
          rateLimit: 0,
          serverError: 0,
          unavailable: 0,
          overloaded: 0,
          streamCut: 0,
          stall: 0,
          stallMidStream: 0,
          stallMs: 0,
        },
      },
    });
    expect(config.routes).toEqual([
      { name: 'default', targets: ['sim'], retry: DEFAULT_RETRY, quality: DEFAULT_QUALITY },
    ]);
    expect(DEFAULT_QUALITY).toEqual({ schemaRepairs: 1, onSchemaFailure: 'error' });
    expect(config.resilience).toEqual({
      breaker: DEFAULT_BREAKER,
      retryBudget: DEFAULT_RETRY_BUDGET,
    });
    expect(config.deployments[0].breaker).toEqual(DEFAULT_BREAKER);
  });

  it('uses the default base URL of each type and the version defaults', () => {
    const text = `
providers:
  - { name: o, type: openai, apiKey: k }
  - { name: a, type: anthropic, apiKey: k }
  - { name: g, type: gemini, apiKey: k }
  - { name: l, type: ollama }
  - { name: z, type: azure-openai, apiKey: k, baseUrl: "https://r.openai.azure.com/" }
deployments:
  - { name: d, provider: o, model: m }
`;
    const providers = parseConfig(text, {}).providers;
    expect(providers.map((p) => p.baseUrl)).toEqual([
      'https://api.openai.com/v1',
      'https://api.anthropic.com',
      'https://generativelanguage.googleapis.com',
      'http://127.0.0.1:11434',
      'https://r.openai.azure.com',
    ]);
    expect(providers[1].anthropicVersion).toBe('2023-06-01');
    expect(providers[4].apiVersion).toBe('2024-10-21');
    expect(providers[0].apiVersion).toBeUndefined();
    expect(providers[0].simulator).toBeUndefined();
  });

  it('keeps only given timeouts, defaulting the others', () => {
    const text = MINIMAL.replace(
      'type: simulator',
      'type: simulator\n    timeouts: { connectMs: 100 }',
    );
    expect(parseConfig(text, {}).providers[0].timeouts).toEqual({
      ...DEFAULT_TIMEOUTS,
      connectMs: 100,
    });
  });

  it("resolves a deployment's region from its provider unless it sets one", () => {
    const text = `
providers:
  - { name: p, type: simulator, region: eu }
  - { name: q, type: simulator }
deployments:
  - { name: a, provider: p, model: m }
  - { name: b, provider: p, model: m, region: eu-west }
  - { name: c, provider: q, model: m }
`;
    const regions = parseConfig(text, {}).deployments.map((d) => d.region);
    expect(regions).toEqual(['eu', 'eu-west', undefined]);
  });

  it('prices cached input and cache writes like input unless given', () => {
    const text = MINIMAL.replace(
      'model: sim',
      'model: sim\n    pricing: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }',
    );
    expect(parseConfig(text, {}).deployments[0].pricing).toEqual({
      inputPerMTok: 3,
      cachedInputPerMTok: 0.3,
      cacheWritePerMTok: 3,
      outputPerMTok: 15,
    });
  });

  it('coerces interpolated numbers and booleans, treats `key:` as unset', () => {
    const text = `
server:
  bodyLimitBytes: \${BODY_LIMIT}
  allowDirectDeployments: \${DIRECT:-false}
  heartbeatMs:
${MINIMAL}`;
    const server = parseConfig(text, { BODY_LIMIT: '1024' }).server;
    expect(server).toEqual({
      ...DEFAULT_SERVER,
      bodyLimitBytes: 1024,
      allowDirectDeployments: false,
    });
  });

  it('normalises key hashes to lowercase', () => {
    const hash = 'AB'.repeat(32);
    const text = `${MINIMAL}
auth:
  apiKeys: [{ id: ci, sha256: "${hash}" }]
tenants:
  - id: acme
    apiKeys: [{ id: acme-ci, sha256: "${'c'.repeat(64)}" }]
`;
    const config = parseConfig(text, {});
    expect(config.auth.apiKeys).toEqual([{ id: 'ci', sha256: hash.toLowerCase() }]);
    expect(config.tenants).toEqual([
      { id: 'acme', apiKeys: [{ id: 'acme-ci', sha256: 'c'.repeat(64) }] },
    ]);
  });
});

describe('parseConfig: context, prompts, conversations, storage', () => {
  it('fills their defaults, and a route context fills what it leaves out', () => {
    const config = parseConfig(
      `
providers: [{ name: local, type: simulator }]
deployments: [{ name: sim, provider: local, model: sim }]
routes:
  default: { targets: [sim] }
  cheap: { targets: [sim], context: { policy: truncate } }
  long: { targets: [sim], context: { policy: summarize, summarizeWith: cheap, reserveOutputTokens: 64 } }
storage: { databaseUrl: '\${DATABASE_URL:-}' }
`,
      {},
      'test.yaml',
    );
    expect(config.routes[0].context).toBeUndefined();
    expect(config.routes[1].context).toEqual({ ...DEFAULT_CONTEXT, policy: 'truncate' });
    expect(config.routes[2].context).toEqual({
      ...DEFAULT_CONTEXT,
      policy: 'summarize',
      summarizeWith: 'cheap',
      reserveOutputTokens: 64,
    });
    expect(config.prompts).toEqual({ dir: 'prompts', watch: true });
    expect(config.conversations).toEqual(DEFAULT_CONVERSATIONS);
    expect(config.conversations.context.policy).toBe('summarize');
    expect(config.storage).toEqual({ sqlitePath: 'data/gateway.db' });
    const withDb = parseConfig(
      `
providers: [{ name: local, type: simulator }]
deployments: [{ name: sim, provider: local, model: sim }]
storage: { databaseUrl: '\${DATABASE_URL:-}' }
`,
      { DATABASE_URL: 'postgres://app@127.0.0.1:5432/test' },
      'test.yaml',
    );
    expect(withDb.storage.databaseUrl).toBe('postgres://app@127.0.0.1:5432/test');
  });
});

describe('parseConfig: quality', () => {
  it("reads a route's output-check policy, defaulting what it leaves out", () => {
    const config = parseConfig(
      `
providers: [{ name: local, type: simulator }]
deployments: [{ name: sim, provider: local, model: sim }]
routes:
  plain: { targets: [sim] }
  lenient: { targets: [sim], quality: { onSchemaFailure: flag } }
  patient: { targets: [sim], quality: { schemaRepairs: 3, onSchemaFailure: error } }
  none: { targets: [sim], quality: { schemaRepairs: 0 } }
  fromEnv: { targets: [sim], quality: { schemaRepairs: '\${REPAIRS}' } }
`,
      { REPAIRS: '2' },
      'test.yaml',
    );
    expect(config.routes.map((route) => route.quality)).toEqual([
      DEFAULT_QUALITY,
      { schemaRepairs: 1, onSchemaFailure: 'flag' },
      { schemaRepairs: 3, onSchemaFailure: 'error' },
      { schemaRepairs: 0, onSchemaFailure: 'error' },
      { schemaRepairs: 2, onSchemaFailure: 'error' },
    ]);
  });
});

describe('parseConfig: headers', () => {
  it('keeps headers as given and leaves out empty ones', () => {
    const text = `
providers:
  - name: p
    type: openai
    apiKey: k
    headers:
      OpenAI-Organization: \${ORG:-}
      OpenAI-Project: \${PROJECT}
deployments:
  - { name: d, provider: p, model: m }
`;
    expect(parseConfig(text, { PROJECT: 'proj_1' }).providers[0].headers).toEqual({
      'OpenAI-Project': 'proj_1',
    });
  });
});

describe('parseConfig: resilience', () => {
  const config = parseConfig(
    `
resilience:
  breaker: { consecutiveFailures: 3, coolDownMs: 5000 }
  retryBudget: { ratio: 0.1 }
providers:
  - { name: local, type: simulator, maxConcurrent: 8, maxQueue: 4, queueTimeoutMs: 250 }
deployments:
  - { name: a, provider: local, model: sim }
  - { name: b, provider: local, model: sim, breaker: { failureRate: 0.25, minimumCalls: 5 } }
routes:
  fixed:
    targets: [a, b]
    timeoutMs: 20000
    retry: { maxRetryAfterMs: 2000 }
    hedge: { afterMs: 300 }
  adaptive:
    targets: [a]
    hedge: { percentile: 95, maxMs: 2000 }
`,
    {},
    'resilience.yaml',
  );

  it("merges breaker defaults: global block, then the deployment's own fields", () => {
    expect(config.resilience.breaker).toEqual({
      ...DEFAULT_BREAKER,
      consecutiveFailures: 3,
      coolDownMs: 5000,
    });
    expect(config.resilience.retryBudget).toEqual({ ...DEFAULT_RETRY_BUDGET, ratio: 0.1 });
    expect(config.deployments[0].breaker).toEqual(config.resilience.breaker);
    expect(config.deployments[1].breaker).toEqual({
      ...config.resilience.breaker,
      failureRate: 0.25,
      minimumCalls: 5,
    });
  });

  it('reads the bulkhead queue, the route deadline, the hint cap and both hedge forms', () => {
    expect(config.providers[0]).toMatchObject({
      maxConcurrent: 8,
      maxQueue: 4,
      queueTimeoutMs: 250,
    });
    const [fixed, adaptive] = config.routes;
    expect(fixed.timeoutMs).toBe(20000);
    expect(fixed.retry).toEqual({ ...DEFAULT_RETRY, maxRetryAfterMs: 2000 });
    expect(fixed.hedge).toEqual({ afterMs: 300, minMs: 50, maxMs: 10_000 });
    expect(adaptive.timeoutMs).toBeUndefined();
    expect(adaptive.hedge).toEqual({ percentile: 95, minMs: 50, maxMs: 2000 });
  });
});
