import { GatewayError } from '@app/core';
import {
  DEFAULT_BREAKER,
  DEFAULT_CONVERSATIONS,
  DEFAULT_PROMPTS,
  DEFAULT_QUALITY,
  DEFAULT_STORAGE,
  DEFAULT_RETRY,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
} from '../config/config.defaults';
import type { DeploymentConfig, GatewayConfig, RetryConfig } from '../config/config.types';
import { Router } from './router';

const retry: RetryConfig = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  honorRetryAfter: false,
  maxRetryAfterMs: 30_000,
  order: 'retry-first',
};

const deployments: DeploymentConfig[] = [
  { name: 'gpt@openai', provider: 'openai', model: 'gpt-4o-mini', breaker: DEFAULT_BREAKER },
  {
    name: 'claude@anthropic',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    breaker: DEFAULT_BREAKER,
  },
  { name: 'fast', provider: 'local', model: 'sim', breaker: DEFAULT_BREAKER },
];

function config(allowDirectDeployments: boolean): GatewayConfig {
  return {
    source: 'test',
    server: { ...DEFAULT_SERVER, allowDirectDeployments },
    auth: { allowAnonymous: true, apiKeys: [] },
    providers: [
      { name: 'openai', type: 'openai' },
      { name: 'anthropic', type: 'anthropic' },
      { name: 'local', type: 'simulator' },
    ] as GatewayConfig['providers'],
    deployments,
    routes: [
      { name: 'chat', targets: ['gpt@openai', 'claude@anthropic'], retry },
      // the config validator rejects this clash; should one get through, the route wins
      { name: 'fast', targets: ['claude@anthropic'], retry },
    ],
    resilience: { breaker: DEFAULT_BREAKER, retryBudget: DEFAULT_RETRY_BUDGET },
    prompts: DEFAULT_PROMPTS,
    conversations: DEFAULT_CONVERSATIONS,
    storage: DEFAULT_STORAGE,
    tenants: [],
  };
}

function notFound(router: Router, model: string): GatewayError {
  try {
    router.resolve(model);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error(`expected ${model} not to resolve`);
}

const GPT_4O_MINI = { contextWindow: 128_000, maxOutputTokens: 16_384 };
const CLAUDE_HAIKU_4_5 = { contextWindow: 200_000, maxOutputTokens: 64_000 };
const GPT_4O_MINI_PRICE = {
  inputPerMTok: 0.15,
  cachedInputPerMTok: 0.075,
  cacheWritePerMTok: 0.15,
  outputPerMTok: 0.6,
};
const CLAUDE_HAIKU_4_5_PRICE = {
  inputPerMTok: 1,
  cachedInputPerMTok: 0.1,
  cacheWritePerMTok: 1.25,
  outputPerMTok: 5,
};

describe('Router', () => {
  it('resolves a route to its targets in fallback order with its retry policy', () => {
    const route = new Router(config(false)).resolve('chat');
    expect(route).toEqual({
      name: 'chat',
      kind: 'route',
      targets: [
        {
          deployment: deployments[0],
          providerType: 'openai',
          limits: GPT_4O_MINI,
          pricing: GPT_4O_MINI_PRICE,
        },
        {
          deployment: deployments[1],
          providerType: 'anthropic',
          limits: CLAUDE_HAIKU_4_5,
          pricing: CLAUDE_HAIKU_4_5_PRICE,
        },
      ],
      retry,
      // a route built without `quality` (the config reader always sets it) gets the defaults
      quality: DEFAULT_QUALITY,
    });
  });

  it("carries the route's output-check policy", () => {
    const withQuality = config(false);
    const quality = { schemaRepairs: 3, onSchemaFailure: 'flag' } as const;
    withQuality.routes = [{ ...withQuality.routes[0], quality }];
    expect(new Router(withQuality).resolve('chat').quality).toEqual(quality);
  });

  it("takes a target's limits from its deployment first, then the model catalog, else none", () => {
    const own: DeploymentConfig = {
      ...deployments[0],
      name: 'own',
      contextWindow: 4096,
      maxOutputTokens: 512,
    };
    const windowOnly: DeploymentConfig = { ...deployments[1], name: 'window', contextWindow: 8000 };
    const tiny: DeploymentConfig = { ...deployments[2], name: 'tiny', contextWindow: 100 };
    const router = new Router({
      ...config(true),
      deployments: [...deployments, own, windowOnly, tiny],
    });
    expect(router.resolve('own').targets[0].limits).toEqual({
      contextWindow: 4096,
      maxOutputTokens: 512,
    });
    // the catalog's output limit, but never more than the window
    expect(router.resolve('window').targets[0].limits).toEqual({
      contextWindow: 8000,
      maxOutputTokens: 8000,
    });
    expect(router.resolve('tiny').targets[0].limits).toEqual({
      contextWindow: 100,
      maxOutputTokens: 100,
    });
    // an unknown model without a configured window: no limits, so no context-window step
    const unknown: DeploymentConfig = { ...deployments[2], name: 'sim-plain' };
    const plain = new Router({ ...config(true), deployments: [...deployments, unknown] });
    expect(plain.resolve('sim-plain').targets[0].limits).toBeUndefined();
  });

  it("takes a target's prices from its deployment first, then the catalog's list, else none", () => {
    const priced: DeploymentConfig = {
      ...deployments[0],
      name: 'priced',
      pricing: { ...GPT_4O_MINI_PRICE, inputPerMTok: 9 },
    };
    const plain: DeploymentConfig = { ...deployments[2], name: 'plain' };
    const router = new Router({ ...config(true), deployments: [...deployments, priced, plain] });
    expect(router.resolve('priced').targets[0].pricing?.inputPerMTok).toBe(9);
    expect(router.resolve('claude@anthropic').targets[0].pricing).toEqual(CLAUDE_HAIKU_4_5_PRICE);
    expect(router.resolve('plain').targets[0].pricing).toBeUndefined();
    expect(router.resolve('plain').targets[0].providerType).toBe('simulator');
  });

  describe('with direct deployments on', () => {
    const router = new Router(config(true));

    it('resolves a deployment name to that deployment alone with the default retry', () => {
      expect(router.resolve('gpt@openai')).toEqual({
        name: 'gpt@openai',
        kind: 'deployment',
        targets: [
          {
            deployment: deployments[0],
            providerType: 'openai',
            limits: GPT_4O_MINI,
            pricing: GPT_4O_MINI_PRICE,
          },
        ],
        retry: DEFAULT_RETRY,
        quality: DEFAULT_QUALITY,
      });
    });

    it('never lets a deployment shadow a route of the same name', () => {
      const fast = router.resolve('fast');
      expect(fast.kind).toBe('route');
      expect(fast.targets.map((t) => t.deployment.name)).toEqual(['claude@anthropic']);
    });

    it('lists routes first, then the deployments not shadowed', () => {
      expect(router.list().map((r) => `${r.kind}:${r.name}`)).toEqual([
        'route:chat',
        'route:fast',
        'deployment:gpt@openai',
        'deployment:claude@anthropic',
      ]);
    });
  });

  describe('with direct deployments off', () => {
    const router = new Router(config(false));

    it('does not resolve a deployment name', () => {
      const error = notFound(router, 'gpt@openai');
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
    });

    it('lists routes only', () => {
      expect(router.list().map((r) => r.name)).toEqual(['chat', 'fast']);
    });
  });

  it('answers an unknown name with 404 model_not_found naming the model', () => {
    const error = notFound(new Router(config(true)), 'gpt-5-ultra');
    expect(error.toJSON()).toEqual({
      error: {
        message: "The model 'gpt-5-ultra' does not exist or you do not have access to it.",
        type: 'not_found_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
  });

  it('matches names exactly (case and whitespace count)', () => {
    const router = new Router(config(true));
    expect(notFound(router, 'Chat').code).toBe('model_not_found');
    expect(notFound(router, ' chat').code).toBe('model_not_found');
  });

  it('refuses a route naming an unknown deployment', () => {
    const broken = config(false);
    broken.routes = [{ name: 'x', targets: ['missing'], retry }];
    expect(() => new Router(broken)).toThrow('route x: unknown deployment missing');
  });
});
