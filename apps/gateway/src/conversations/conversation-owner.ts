import type { RequestContext } from '@app/core';
import { DEFAULT_TENANT } from '@app/tenancy';

/**
 * Who a conversation belongs to: the caller's tenant; for a static key (no tenant), the key;
 * `anonymous` on a gateway without keys (loopback only). Every read and write is scoped to it.
 */
export function conversationOwner(context: RequestContext): string {
  const tenant = context.tenant;
  if (tenant === undefined) return 'anonymous';
  if (tenant.id !== DEFAULT_TENANT) return `tenant:${tenant.id}`;
  return `key:${tenant.keyId ?? DEFAULT_TENANT}`;
}
