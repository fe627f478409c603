import { isIP } from 'node:net';
import type { GatewayConfig } from '@app/gateway';

export type ListenDecision =
  { allowed: true; anonymous: boolean; warning?: string } | { allowed: false; reason: string };

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

function hasApiKeys(config: GatewayConfig): boolean {
  return config.auth.apiKeys.length > 0 || config.tenants.some((t) => t.apiKeys.length > 0);
}

/**
 * Default security: without API keys the gateway is anonymous, which is only allowed on a loopback
 * address unless `auth.allowAnonymous: true` says it is meant to be.
 */
export function decideListen(config: GatewayConfig, host: string): ListenDecision {
  if (hasApiKeys(config)) return { allowed: true, anonymous: false };
  if (isLoopback(host)) {
    return {
      allowed: true,
      anonymous: true,
      warning: `No API keys are configured: serving anonymous requests on loopback address ${host} only.`,
    };
  }
  if (config.auth.allowAnonymous) {
    return {
      allowed: true,
      anonymous: true,
      warning: `No API keys are configured and auth.allowAnonymous is true: anyone who can reach ${host} can use the gateway.`,
    };
  }
  return {
    allowed: false,
    reason:
      `Refusing to listen on ${host} without API keys. Configure auth.apiKeys or tenants[].apiKeys, ` +
      'listen on a loopback address (HOST=127.0.0.1), or set auth.allowAnonymous: true.',
  };
}
