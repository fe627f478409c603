import type { RequestContext } from '@app/core';
import { usageOwner } from '@app/usage';

/** Whose usage a caller may see. */
export type UsageScope =
  /** every owner's (a gateway without keys: loopback only) */
  | { kind: 'all' }
  /** one owner's only: its tenant, or `key:<id>` for a static key */
  | { kind: 'owner'; owner: string };

/**
 * The usage a caller may read: a caller bound to a tenant sees that tenant's, a static key its
 * own, and an anonymous caller (no keys configured, loopback only) everything.
 *
 * The seam for issue 6: a key with the `usage:read` admin scope will get `{ kind: 'all' }` here
 * (and may then filter by `tenant`); nothing else decides what a caller sees.
 */
export function usageScope(context: RequestContext): UsageScope {
  if (context.tenant === undefined) return { kind: 'all' };
  return { kind: 'owner', owner: usageOwner(context) };
}
