import { ConfigError } from './config-error';
import { parseConfig } from './load-config';

function errorOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(text, env, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted, but an error was expected');
}

const PROVIDERS = `
providers:
  - name: local
    type: simulator
`;
const DEPLOYMENTS = `
deployments:
  - name: sim
    provider: local
    model: sim
`;

describe('parseConfig: errors', () => {
  it('rejects an unknown provider type, listing the valid ones', () => {
    const error = errorOf(`${PROVIDERS}
  - name: cloud
    type: opnai
    apiKey: k
${DEPLOYMENTS}`);
    expect(error.message).toContain(
      'providers[1].type: must be one of openai, azure-openai, anthropic, gemini, ollama, openai-compatible, simulator',
    );
    expect(error.issues).toHaveLength(1);
  });

  it('rejects a route target that is not a deployment', () => {
    const error = errorOf(`${PROVIDERS}${DEPLOYMENTS}
routes:
  fast:
    targets: [gpt-x]
  smart:
    targets: [sim, fast]
`);
    expect(error.message).toContain("routes.fast.targets[0]: deployment 'gpt-x' is not defined");
    expect(error.message).toContain("routes.smart.targets[1]: 'fast' is a route");
  });

  it('rejects a deployment on an undefined provider, suggesting the closest', () => {
    const error = errorOf(`${PROVIDERS}
deployments:
  - { name: sim, provider: locl, model: sim }
`);
    expect(error.message).toContain(
      "deployments[0].provider: provider 'locl' is not defined (did you mean 'local'?)",
    );
  });

  it('rejects values of the wrong type', () => {
    const error = errorOf(`
providers:
  - name: local
    type: simulator
    maxConcurrent: lots
    timeouts: { connectMs: -5, idleMs: 1.5 }
${DEPLOYMENTS}
server: { allowDirectDeployments: maybe, heartbeatMs: "10" }
routes:
  default: { targets: sim }
`);
    const messages = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'providers[0].maxConcurrent: must be a positive integer',
        'providers[0].timeouts.connectMs: must be a positive integer',
        'providers[0].timeouts.idleMs: must be a positive integer',
        'server.allowDirectDeployments: must be true or false',
        'server.heartbeatMs: must be an integer of 0 or more',
        'routes.default.targets: must be a list',
      ]),
    );
  });

  it('rejects misspelt fields anywhere, naming the path and the likely field', () => {
    const error = errorOf(`
providers:
  - name: local
    type: simulator
    simulater: {}
    timeouts: { conectMs: 5 }
deployments:
  - name: sim
    provider: local
    modle: sim
routes:
  default: { targets: [sim], retry: { maxAtempts: 2 } }
servr: {}
`);
    expect(error.message).toContain(
      "providers[0].simulater: unknown field (did you mean 'simulator'?)",
    );
    expect(error.message).toContain(
      "providers[0].timeouts.conectMs: unknown field (did you mean 'connectMs'?)",
    );
    expect(error.message).toContain("deployments[0].modle: unknown field (did you mean 'model'?)");
    expect(error.message).toContain(
      "routes.default.retry.maxAtempts: unknown field (did you mean 'maxAttempts'?)",
    );
    expect(error.message).toContain("servr: unknown field (did you mean 'server'?)");
    expect(error.message).toContain('deployments[0].model: is required');
  });

  it('rejects fields that belong to another provider type', () => {
    const error = errorOf(`
providers:
  - name: local
    type: simulator
    apiKey: k
    baseUrl: http://localhost
    apiVersion: 2024-10-21
  - name: cloud
    type: openai
    apiKey: k
    simulator: { seed: 2 }
${DEPLOYMENTS}`);
    expect(error.message).toContain('providers[0].apiKey: not used by type simulator');
    expect(error.message).toContain('providers[0].baseUrl: not used by type simulator');
    expect(error.message).toContain('providers[0].apiVersion: only valid for type azure-openai');
    expect(error.message).toContain('providers[1].simulator: only valid for type simulator');
  });

  it('requires apiKey and baseUrl where the type needs them', () => {
    const error = errorOf(`
providers:
  - { name: a, type: openai }
  - { name: b, type: azure-openai }
  - { name: c, type: openai-compatible }
  - { name: d, type: ollama }
deployments:
  - { name: x, provider: a, model: m }
`);
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'providers[0].apiKey: is required for type openai',
      'providers[1].baseUrl: is required for type azure-openai',
      'providers[1].apiKey: is required for type azure-openai',
      'providers[2].baseUrl: is required for type openai-compatible',
    ]);
  });

  it("rejects a route's quality with misspelt fields or values out of range, naming the path", () => {
    const error = errorOf(`${PROVIDERS}${DEPLOYMENTS}
routes:
  a: { targets: [sim], quality: { schemaRepair: 1, onSchemaFail: flag } }
  b: { targets: [sim], quality: { schemaRepairs: 4, onSchemaFailure: warn } }
  c: { targets: [sim], quality: { schemaRepairs: -1 } }
  d: { targets: [sim], quality: strict }
  e: { targets: [sim], qualty: {} }
`);
    const messages = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual([
      "routes.a.quality.schemaRepair: unknown field (did you mean 'schemaRepairs'?)",
      "routes.a.quality.onSchemaFail: unknown field (did you mean 'onSchemaFailure'?)",
      'routes.b.quality.schemaRepairs: must be an integer between 0 and 3',
      "routes.b.quality.onSchemaFailure: must be one of error, flag (got 'warn')",
      'routes.c.quality.schemaRepairs: must be an integer between 0 and 3',
      'routes.d.quality: must be a mapping of fields',
      "routes.e.qualty: unknown field (did you mean 'quality'?)",
    ]);
  });

  it('rejects duplicate names and route/deployment collisions', () => {
    const error = errorOf(`${PROVIDERS}
  - name: local
    type: simulator
deployments:
  - { name: sim, provider: local, model: a }
  - { name: sim, provider: local, model: b }
routes:
  sim: { targets: [sim] }
auth:
  apiKeys: [{ id: ci, sha256: "${'a'.repeat(64)}" }]
tenants:
  - id: acme
    apiKeys: [{ id: ci, sha256: "${'A'.repeat(64)}" }]
  - id: acme
`);
    expect(error.message).toContain(
      "providers[1].name: duplicate provider name 'local' (already used at providers[0].name)",
    );
    expect(error.message).toContain(
      "deployments[1].name: duplicate deployment name 'sim' (already used at deployments[0].name)",
    );
    expect(error.message).toContain('routes.sim: route name is also a deployment name');
    expect(error.message).toContain("tenants[0].apiKeys[0].id: duplicate API key id 'ci'");
    expect(error.message).toContain(
      'tenants[0].apiKeys[0].sha256: the same key hash is configured twice',
    );
    expect(error.message).toContain("tenants[1].id: duplicate tenant id 'acme'");
  });

  it('rejects malformed key hashes and names', () => {
    const error = errorOf(`
providers:
  - { name: Local Provider, type: simulator }
deployments:
  - { name: sim, provider: local, model: sim }
auth:
  apiKeys: [{ id: ci, sha256: abc123 }]
`);
    expect(error.message).toContain('providers[0].name: must be lowercase letters');
    expect(error.message).toContain('auth.apiKeys[0].sha256: must be 64 hex characters');
  });

  it.each([
    ['not a url', 'must be an http(s) URL'],
    ['ftp://files.example.com', 'must be an http(s) URL'],
    ['https://user:pw@api.example.com', 'must not contain credentials'],
    ['https://api.example.com/v1?x=1', 'must not contain a query string'],
  ])('rejects the base URL %s', (url, problem) => {
    const error = errorOf(`
providers:
  - { name: p, type: openai-compatible, baseUrl: "${url}" }
deployments:
  - { name: d, provider: p, model: m }
`);
    expect(error.message).toContain(`providers[0].baseUrl: ${problem}`);
  });

  it('checks ranges across fields', () => {
    const error = errorOf(`
providers:
  - name: local
    type: simulator
    timeouts: { firstTokenMs: 5000, totalMs: 1000 }
    simulator: { faults: { stall: 0.5, rateLimit: 2 } }
deployments:
  - { name: sim, provider: local, model: sim, contextWindow: 100, maxOutputTokens: 200 }
routes:
  default: { targets: [sim, sim], retry: { baseDelayMs: 500, maxDelayMs: 100, maxAttempts: 0 } }
  empty: { targets: [] }
`);
    const messages = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual([
      'providers[0].timeouts.firstTokenMs: must not exceed totalMs (1000)',
      'providers[0].simulator.faults.stallMs: must be above 0 when faults.stall or faults.stallMidStream is above 0',
      'providers[0].simulator.faults.rateLimit: must be a number between 0 and 1',
      'deployments[0].maxOutputTokens: must not exceed contextWindow (100)',
      "routes.default.targets[1]: deployment 'sim' is already in this route's targets",
      'routes.default.retry.maxDelayMs: must be at least baseDelayMs (500)',
      'routes.default.retry.maxAttempts: must be an integer between 1 and 10',
      'routes.empty.targets: must not be empty',
    ]);
  });

  it('requires providers and deployments, and a mapping at the top', () => {
    expect(errorOf('').message).toContain('(root): the configuration is empty');
    expect(errorOf('- a\n- b\n').message).toContain('(root): must be a mapping');
    const error = errorOf('providers: []\n');
    expect(error.message).toContain('providers: must not be empty');
    expect(error.message).toContain('deployments: is required');
  });

  it('reports YAML syntax errors with file, line and column', () => {
    const error = errorOf(`${PROVIDERS}${DEPLOYMENTS}routes:\n  default: { targets: [sim }\n`);
    expect(error.message).toMatch(/^Invalid gateway configuration in test\.yaml/);
    expect(error.message).toMatch(/\(yaml syntax\): .+ \(test\.yaml:11:\d+\)/);
    expect(error.issues[0].line).toBe(11);
  });

  it('reports duplicate mapping keys (e.g. two routes of one name) as YAML errors', () => {
    const error = errorOf(`${PROVIDERS}${DEPLOYMENTS}
routes:
  default: { targets: [sim] }
  default: { targets: [sim] }
`);
    expect(error.message).toContain('Map keys must be unique (test.yaml:13:3)');
  });

  it('lists every problem, each with its line, in file order', () => {
    const error = errorOf(`
providers:
  - name: local
    type: simulator
    maxConcurrent: 0
deployments:
  - name: sim
    provider: nowhere
    model: sim
`);
    expect(error.message).toBe(
      [
        'Invalid gateway configuration in test.yaml (2 problems):',
        '  - providers[0].maxConcurrent: must be a positive integer (test.yaml:5:5)',
        "  - deployments[0].provider: provider 'nowhere' is not defined (expected one of: local) (test.yaml:8:5)",
      ].join('\n'),
    );
  });

  it('reports an unset variable with the field path, once', () => {
    const error = errorOf(`
providers:
  - name: p
    type: openai-compatible
    baseUrl: \${LLM_URL}
deployments:
  - { name: d, provider: p, model: "\${MODEL}" }
`);
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'providers[0].baseUrl: environment variable LLM_URL is not set',
      'deployments[0].model: environment variable MODEL is not set',
    ]);
  });
});

describe('parseConfig: resilience errors', () => {
  it('names each bad resilience field', () => {
    const error = errorOf(`
resilience:
  breaker: { failureRate: 1.5, coolDown: 10 }
  retryBudget: { ratio: -1 }
providers:
  - { name: local, type: simulator, maxQueue: -1 }
deployments:
  - { name: sim, provider: local, model: sim, breaker: { minimumCalls: 0 } }
routes:
  both:
    targets: [sim]
    timeoutMs: 0
    hedge: { afterMs: 100, percentile: 90 }
  neither:
    targets: [sim]
    hedge: { minMs: 500, maxMs: 100 }
`);
    expect(error.message).toContain(
      'resilience.breaker.failureRate: must be a number between 0 and 1',
    );
    expect(error.message).toContain(
      "resilience.breaker.coolDown: unknown field (did you mean 'coolDownMs'?)",
    );
    expect(error.message).toContain(
      'resilience.retryBudget.ratio: must be a number between 0 and 1',
    );
    expect(error.message).toContain('providers[0].maxQueue: must be an integer of 0 or more');
    expect(error.message).toContain(
      'deployments[0].breaker.minimumCalls: must be an integer of at least 1',
    );
    expect(error.message).toContain('routes.both.timeoutMs: must be a positive integer');
    expect(error.message).toContain(
      'routes.both.hedge: needs exactly one of afterMs and percentile',
    );
    expect(error.message).toContain(
      'routes.neither.hedge: needs exactly one of afterMs and percentile',
    );
    expect(error.message).toContain('routes.neither.hedge.maxMs: must be at least minMs (500)');
  });

  it('names each bad context, conversations and storage field, never echoing the database URL', () => {
    const error = errorOf(
      `${PROVIDERS}${DEPLOYMENTS}
routes:
  chat:
    targets: [sim]
    context: { policy: squeeze, summarizeWith: chta, chunkTokens: 100, overlapTokens: 100 }
conversations:
  defaultModel: nope
  context: { policy: summarize, reserveOutputTokens: -1 }
storage:
  databaseUrl: \${DATABASE_URL}
prompts: { dir: prompts, watch: maybe }
`,
      { DATABASE_URL: 'mysql://admin:hunter2secret@db/x' },
    );
    expect(error.message).toContain(
      'routes.chat.context.policy: must be one of reject, truncate, middle-out, summarize, map-reduce, retrieve',
    );
    expect(error.message).toContain(
      "routes.chat.context.summarizeWith: 'chta' is neither a route nor a deployment (did you mean 'chat'?)",
    );
    expect(error.message).toContain(
      'routes.chat.context.overlapTokens: must be below chunkTokens (100)',
    );
    expect(error.message).toContain(
      "conversations.defaultModel: 'nope' is neither a route nor a deployment",
    );
    expect(error.message).toContain(
      'conversations.context.reserveOutputTokens: must be an integer of 0 or more',
    );
    expect(error.message).toContain(
      'storage.databaseUrl: must be a postgres:// or postgresql:// URL',
    );
    expect(error.message).toContain('prompts.watch: must be true or false');
    expect(error.message).not.toContain('hunter2');
  });
});
