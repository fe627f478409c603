import {
  DEFAULT_BREAKER,
  DEFAULT_CONVERSATIONS,
  DEFAULT_PROMPTS,
  DEFAULT_STORAGE,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_SERVER,
  type GatewayConfig,
} from '@app/gateway';
import { decideListen, isLoopback } from './listen-policy';

const KEY = { id: 'ci', sha256: 'a'.repeat(64) };

function config(
  auth: Partial<GatewayConfig['auth']> = {},
  tenantKeys: number[] = [],
): GatewayConfig {
  return {
    source: 'test',
    server: { ...DEFAULT_SERVER },
    auth: { allowAnonymous: false, apiKeys: [], ...auth },
    providers: [],
    deployments: [],
    routes: [],
    resilience: { breaker: DEFAULT_BREAKER, retryBudget: DEFAULT_RETRY_BUDGET },
    prompts: DEFAULT_PROMPTS,
    conversations: DEFAULT_CONVERSATIONS,
    storage: DEFAULT_STORAGE,
    tenants: tenantKeys.map((count, i) => ({
      id: `t${i}`,
      apiKeys: Array.from({ length: count }, (_, k) => ({ ...KEY, id: `t${i}-k${k}` })),
    })),
  };
}

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.0.0.53', '127.255.255.254', '::1', '[::1]', 'localhost'])(
    '%s is loopback',
    (host) => {
      expect(isLoopback(host)).toBe(true);
    },
  );

  it.each([
    '0.0.0.0',
    '::',
    '[::]',
    '10.0.0.1',
    '192.168.1.10',
    '128.0.0.1',
    '127.example.com',
    '127.0.0',
    'localhost.example.com',
    'example.com',
    '',
  ])('%s is not loopback', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});

describe('decideListen', () => {
  it('allows any address, not anonymous, when static keys are configured', () => {
    expect(decideListen(config({ apiKeys: [KEY] }), '0.0.0.0')).toEqual({
      allowed: true,
      anonymous: false,
    });
  });

  it('counts tenant keys as keys', () => {
    expect(decideListen(config({}, [0, 1]), '0.0.0.0')).toEqual({
      allowed: true,
      anonymous: false,
    });
  });

  it('does not count tenants without keys', () => {
    expect(decideListen(config({}, [0, 0]), '0.0.0.0').allowed).toBe(false);
  });

  it.each(['127.0.0.1', '::1', '[::1]', 'localhost'])(
    'allows anonymous on loopback %s with a warning naming it',
    (host) => {
      const decision = decideListen(config(), host);
      expect(decision).toMatchObject({ allowed: true, anonymous: true });
      expect(decision.allowed && decision.warning).toContain(host);
    },
  );

  it('refuses anonymous on a public address, saying how to fix it', () => {
    const decision = decideListen(config(), '0.0.0.0');
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.reason).toContain('0.0.0.0');
    expect(decision.reason).toContain('auth.apiKeys');
    expect(decision.reason).toContain('auth.allowAnonymous');
  });

  it('allows anonymous on a public address when auth.allowAnonymous is true, with a warning', () => {
    const decision = decideListen(config({ allowAnonymous: true }), '0.0.0.0');
    expect(decision).toMatchObject({ allowed: true, anonymous: true });
    expect(decision.allowed && decision.warning).toMatch(/allowAnonymous/);
  });

  it('keys win over allowAnonymous: not anonymous', () => {
    expect(decideListen(config({ allowAnonymous: true, apiKeys: [KEY] }), '0.0.0.0')).toEqual({
      allowed: true,
      anonymous: false,
    });
  });
});
