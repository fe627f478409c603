import type { ApiKeyConfig, AuthConfig, TenantConfig } from './config.types';
import type { ConfigPath } from './config-path';
import { ID_NAME, checkUnique, type NamedAt } from './naming';
import type { ReadContext } from './read-context';
import { ObjectReader } from './reader';

const AUTH_FIELDS = ['allowAnonymous', 'apiKeys'];
const TENANT_FIELDS = ['id', 'apiKeys'];
const KEY_FIELDS = ['id', 'sha256'];
const SHA256 = {
  regex: /^[0-9a-fA-F]{64}$/,
  hint: '64 hex characters: the SHA-256 of the key (printf %s "$KEY" | sha256sum)',
};

/** Every key id and hash seen so far, to check uniqueness across auth and all tenants. */
export class KeyRegistry {
  readonly ids: NamedAt[] = [];
  readonly hashes: NamedAt[] = [];

  check(context: ReadContext): void {
    checkUnique(context, this.ids, 'API key id');
    const first = new Map<string, ConfigPath>();
    for (const { name, path } of this.hashes) {
      if (first.has(name)) context.report(path, 'the same key hash is configured twice');
      else first.set(name, path);
    }
  }
}

/** `auth`: absent means no static keys and no anonymous access off loopback. */
export function readAuth(root: ObjectReader, keys: KeyRegistry): AuthConfig {
  const r = root.object('auth', AUTH_FIELDS);
  return {
    allowAnonymous: r?.boolean('allowAnonymous') ?? false,
    apiKeys: r === undefined ? [] : readApiKeys(r, keys),
  };
}

export function readTenants(root: ObjectReader, keys: KeyRegistry): TenantConfig[] {
  const { context } = root;
  const path = root.at('tenants');
  const list = root.list('tenants') ?? [];
  const tenants: TenantConfig[] = [];
  const ids: NamedAt[] = [];
  list.forEach((item, index) => {
    const r = ObjectReader.of(context, [...path, index], item, TENANT_FIELDS);
    if (r === undefined) return;
    const id = r.string('id', { required: true, pattern: ID_NAME });
    if (id !== undefined) ids.push({ name: id, path: r.at('id') });
    tenants.push({ id: id ?? '', apiKeys: readApiKeys(r, keys) });
  });
  checkUnique(context, ids, 'tenant id');
  return tenants;
}

function readApiKeys(owner: ObjectReader, keys: KeyRegistry): ApiKeyConfig[] {
  const list = owner.list('apiKeys') ?? [];
  const out: ApiKeyConfig[] = [];
  list.forEach((item, index) => {
    const r = ObjectReader.of(owner.context, [...owner.at('apiKeys'), index], item, KEY_FIELDS);
    if (r === undefined) return;
    const id = r.string('id', { required: true, pattern: ID_NAME });
    const sha256 = r
      .string('sha256', { required: true, pattern: SHA256, secret: true })
      ?.toLowerCase();
    if (id !== undefined) keys.ids.push({ name: id, path: r.at('id') });
    if (sha256 !== undefined) keys.hashes.push({ name: sha256, path: r.at('sha256') });
    out.push({ id: id ?? '', sha256: sha256 ?? '' });
  });
  return out;
}
