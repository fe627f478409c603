import { createHash, timingSafeEqual } from 'node:crypto';
import type { TenantRef } from '@app/core';

export interface HashedApiKey {
  /** the key's public id (for logs and audit) */
  id: string;
  /** lowercase hex SHA-256 of the secret */
  sha256: string;
  tenantId?: string;
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The accepted API keys, held only as SHA-256 hashes. A presented key is hashed and compared in
 * constant time; the secret itself is never stored or logged.
 */
/** The tenant of a static key (`auth.apiKeys`), which belongs to no configured tenant. */
export const DEFAULT_TENANT = 'default';

export class ApiKeyRegistry {
  private readonly byHash = new Map<string, HashedApiKey>();

  constructor(keys: readonly HashedApiKey[]) {
    for (const key of keys) this.byHash.set(key.sha256.toLowerCase(), key);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** the tenant a presented secret belongs to, or undefined for an unknown key */
  verify(secret: string): TenantRef | undefined {
    const hash = sha256Hex(secret);
    const key = this.byHash.get(hash);
    if (!key || !timingSafeEqual(Buffer.from(hash), Buffer.from(key.sha256.toLowerCase()))) {
      return undefined;
    }
    return { id: key.tenantId ?? DEFAULT_TENANT, keyId: key.id };
  }
}

/** The key from `Authorization: Bearer`, `x-api-key` (Anthropic SDK) or `api-key` (Azure SDK). */
export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  for (const name of ['x-api-key', 'api-key']) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}
