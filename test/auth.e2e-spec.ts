import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import {
  requestLines,
  startGateway,
  waitFor,
  type RunningGateway,
} from './support/gateway-harness';

const KEY = 'sk-gateway-test-0123456789abcdef';
const TENANT_KEY = 'sk-tenant-acme-0123456789abcdef';
const sha = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Static hashed API keys: required on API routes, not on probes, and never logged. */
describe('API keys', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    const yaml = readFileSync('config/gateway.yaml', 'utf-8')
      .replace('apiKeys: []', `apiKeys: [{ id: ci, sha256: ${sha(KEY)} }]`)
      .replace(
        'tenants: []',
        `tenants: [{ id: acme, apiKeys: [{ id: acme-app, sha256: ${sha(TENANT_KEY)} }] }]`,
      );
    gateway = await startGateway(yaml);
  });
  afterAll(() => gateway.close());

  const body = { model: 'default', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('rejects a request without a key with 401 in the OpenAI shape', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: expect.objectContaining({ type: 'authentication_error', code: 'invalid_api_key' }),
    });
  });

  it('rejects a wrong key with 401, through the SDK', async () => {
    const client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-wrong-key-000000000000',
      maxRetries: 0,
    });
    const error = await client.chat.completions.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('accepts the static key and a tenant key, and logs the key id but never the key', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
    await client.chat.completions.create(body, { headers: { 'x-request-id': 'auth-ok-1' } });
    const tenantClient = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: TENANT_KEY,
      maxRetries: 0,
    });
    await tenantClient.chat.completions.create(body, { headers: { 'x-request-id': 'auth-ok-2' } });
    await waitFor(() => requestLines(gateway).some((l) => l.requestId === 'auth-ok-2'));
    const lines = requestLines(gateway);
    expect(lines.find((l) => l.requestId === 'auth-ok-1')).toMatchObject({
      keyId: 'ci',
      tenant: 'default',
    });
    expect(lines.find((l) => l.requestId === 'auth-ok-2')).toMatchObject({
      keyId: 'acme-app',
      tenant: 'acme',
    });
    expect(gateway.rawLogs()).not.toContain(KEY);
    expect(gateway.rawLogs()).not.toContain(TENANT_KEY);
  });

  it('accepts the key in x-api-key too', async () => {
    const res = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
  });

  it('leaves the probes open', async () => {
    for (const probe of ['live', 'ready', 'startup']) {
      const res = await fetch(`${gateway.url}/health/${probe}`);
      expect(res.status).toBe(200);
    }
  });
});
