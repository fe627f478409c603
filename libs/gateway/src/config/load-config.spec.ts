import { join } from 'node:path';
import { ConfigError } from './config-error';
import { DEFAULT_CONFIG_PATH } from './config.defaults';
import { configPathFromEnv, loadConfig } from './load-config';

const ROOT = join(__dirname, '..', '..', '..', '..');
const configFile = (name: string) => join(ROOT, 'config', name);

function loadError(path: string, env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig({ path, env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${path} loaded, but an error was expected`);
}

describe('config/gateway.yaml', () => {
  const config = loadConfig({ path: configFile('gateway.yaml'), env: {} });

  it('loads with an empty environment, simulator only', () => {
    expect(config.providers.map((p) => [p.name, p.type, p.region])).toEqual([
      ['local', 'simulator', 'local'],
      ['local-slow', 'simulator', 'local'],
    ]);
    for (const provider of config.providers) {
      expect(provider.apiKey).toBeUndefined();
      expect(provider.baseUrl).toBeUndefined();
      expect(provider.simulator).toBeDefined();
    }
  });

  it('defines sim-small, sim-large and the default, fast, smart and support routes', () => {
    expect(config.deployments.map((d) => [d.name, d.provider, d.region])).toEqual([
      ['sim-small', 'local', 'local'],
      ['sim-large', 'local-slow', 'local'],
    ]);
    const routes = Object.fromEntries(config.routes.map((r) => [r.name, r.targets]));
    expect(routes).toEqual({
      default: ['sim-small'],
      fast: ['sim-small'],
      smart: ['sim-large', 'sim-small'],
      support: ['sim-large', 'sim-small'],
    });
    const support = config.routes.find((r) => r.name === 'support');
    expect(support?.context).toMatchObject({ policy: 'summarize', summarizeWith: 'fast' });
    const [small, large] = config.providers.map((p) => p.simulator!);
    expect(small.firstTokenMs).toBeLessThan(large.firstTokenMs);
    expect(small.seed).not.toBe(large.seed);
  });

  it('keeps conversations in SQLite under data/ unless DATABASE_URL is set', () => {
    expect(config.storage).toEqual({ sqlitePath: 'data/gateway.db' });
    expect(config.conversations.defaultModel).toBe('support');
    expect(config.prompts).toEqual({ dir: 'prompts', watch: true });
    const withDb = loadConfig({
      path: 'config/gateway.yaml',
      env: { DATABASE_URL: 'postgres://gw@db:5432/gateway' },
    });
    expect(withDb.storage.databaseUrl).toBe('postgres://gw@db:5432/gateway');
  });

  it('has anonymous access restricted to loopback (no keys, allowAnonymous false)', () => {
    expect(config.auth).toEqual({ allowAnonymous: false, apiKeys: [] });
    expect(config.tenants).toEqual([]);
  });
});

describe('config/examples', () => {
  const examples: [file: string, env: Record<string, string>, type: string][] = [
    ['openai.yaml', { OPENAI_API_KEY: 'sk-test-openai' }, 'openai'],
    [
      'azure-openai.yaml',
      { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', AZURE_OPENAI_API_KEY: 'az-key' },
      'azure-openai',
    ],
    ['anthropic.yaml', { ANTHROPIC_API_KEY: 'sk-ant-test' }, 'anthropic'],
    ['gemini.yaml', { GEMINI_API_KEY: 'gm-test' }, 'gemini'],
    ['ollama.yaml', {}, 'ollama'],
    [
      'openai-compatible.yaml',
      { VLLM_BASE_URL: 'http://vllm.internal:8000/v1' },
      'openai-compatible',
    ],
    [
      'multi-provider.yaml',
      { OPENAI_API_KEY: 'sk-test-openai', ANTHROPIC_API_KEY: 'sk-ant-test' },
      'openai',
    ],
  ];

  it.each(examples)('%s loads when its variables are set', (file, env, type) => {
    const config = loadConfig({ path: configFile(`examples/${file}`), env });
    expect(config.providers[0].type).toBe(type);
    expect(config.routes.length).toBeGreaterThan(0);
  });

  it.each(examples.filter(([, env]) => Object.keys(env).length > 0))(
    '%s fails naming each unset variable',
    (file, env) => {
      const error = loadError(configFile(`examples/${file}`), {});
      for (const name of Object.keys(env)) {
        expect(error.message).toContain(`environment variable ${name} is not set`);
      }
    },
  );

  it('resolves defaults and secrets of the examples', () => {
    const azure = loadConfig({
      path: configFile('examples/azure-openai.yaml'),
      env: { AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/', AZURE_OPENAI_API_KEY: 'k' },
    }).providers[0];
    expect(azure).toMatchObject({
      baseUrl: 'https://res.openai.azure.com',
      apiKey: 'k',
      apiVersion: '2024-10-21',
    });
    const vllm = loadConfig({
      path: configFile('examples/openai-compatible.yaml'),
      env: { VLLM_BASE_URL: 'http://vllm:8000/v1' },
    }).providers[0];
    expect(vllm.apiKey).toBeUndefined();
    expect(vllm.headers).toEqual({ 'X-Client': 'llm-gateway' });
  });

  it('has a fallback route across providers in the multi-provider example', () => {
    const config = loadConfig({
      path: configFile('examples/multi-provider.yaml'),
      env: { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' },
    });
    const route = config.routes.find((r) => r.name === 'support-fast')!;
    const providers = route.targets.map(
      (target) => config.deployments.find((d) => d.name === target)!.provider,
    );
    expect(new Set(providers).size).toBe(3);
    expect(config.tenants[0].apiKeys[0].id).toBe('acme-ci');
  });
});

describe('loadConfig', () => {
  it('names a missing file', () => {
    const error = loadError('/nonexistent/gateway.yaml', {});
    expect(error.message).toContain('/nonexistent/gateway.yaml');
    expect(error.message).toContain('file not found');
  });
});

describe('configPathFromEnv', () => {
  it('uses GATEWAY_CONFIG, else the default path', () => {
    expect(configPathFromEnv({ GATEWAY_CONFIG: '/etc/gw.yaml' })).toBe('/etc/gw.yaml');
    expect(configPathFromEnv({})).toBe(DEFAULT_CONFIG_PATH);
    expect(configPathFromEnv({ GATEWAY_CONFIG: '' })).toBe(DEFAULT_CONFIG_PATH);
  });
});
