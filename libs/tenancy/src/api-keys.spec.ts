import { ApiKeyRegistry, presentedKey, sha256Hex } from './api-keys';

describe('ApiKeyRegistry', () => {
  const registry = new ApiKeyRegistry([
    { id: 'ci', sha256: sha256Hex('secret-one') },
    { id: 'acme-ci', sha256: sha256Hex('secret-two').toUpperCase(), tenantId: 'acme' },
  ]);

  it('accepts known keys and names their tenant and key id', () => {
    expect(registry.verify('secret-one')).toEqual({ id: 'default', keyId: 'ci' });
    expect(registry.verify('secret-two')).toEqual({ id: 'acme', keyId: 'acme-ci' });
  });

  it('rejects unknown keys', () => {
    expect(registry.verify('secret-three')).toBeUndefined();
    expect(registry.verify('')).toBeUndefined();
  });

  it('finds the key in each supported header', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer   abc ' })).toBe('abc');
    expect(presentedKey({ 'x-api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ 'api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});
