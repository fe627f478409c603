import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startFakeOpenAiUpstream } from './fakes/openai-upstream';
import type { FakeUpstream } from './fakes/fake-upstream';
import { singleProviderConfig } from './support/gateway-harness';
import { spawnExpectingFailure, spawnGateway, writeTempConfig } from './support/gateway-process';

/** The built gateway as a real process: start-up checks, default security and graceful shutdown. */
describe('gateway process', () => {
  it('starts on the default config with an empty environment and answers', async () => {
    const gateway = await spawnGateway({});
    try {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(gateway.output()).toContain('anonymous requests on loopback');
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });

  it.each([
    ['an unknown provider type', 'type: simulator', 'type: simulatr', 'providers[0].type'],
    [
      'a route naming a missing deployment',
      'targets: [sim-small]\n\n  fast',
      'targets: [sim-smal]\n\n  fast',
      'routes.default.targets[0]',
    ],
    ['a wrong type', 'heartbeatMs: 15000', 'heartbeatMs: often', 'server.heartbeatMs'],
    ['a misspelt field', 'drainTimeoutMs: 30000', 'drainTimeoutMS: 30000', 'server.drainTimeoutMS'],
  ])('refuses to start on %s, naming the field', async (_name, from, to, field) => {
    const yaml = readFileSync('config/gateway.yaml', 'utf-8');
    expect(yaml).toContain(from);
    const { code, output } = await spawnExpectingFailure({
      GATEWAY_CONFIG: writeTempConfig(yaml.replace(from, to)),
    });
    expect(code).not.toBe(0);
    expect(output).toContain(field);
  });

  it('refuses to serve anonymously on a non-loopback address', async () => {
    const { code, output } = await spawnExpectingFailure({ HOST: '0.0.0.0' });
    expect(code).not.toBe(0);
    expect(output).toContain('without API keys');
  });

  it('serves on a non-loopback address when API keys are configured, and requires them', async () => {
    const yaml = readFileSync('config/gateway.yaml', 'utf-8').replace(
      'apiKeys: []',
      // sha256("sk-test-gateway-key")
      'apiKeys: [{ id: ci, sha256: edce8c5f6156293125f33d293f7432a10d765b62ecb51bfa69fbd716706b20b1 }]',
    );
    const gateway = await spawnGateway({ GATEWAY_CONFIG: writeTempConfig(yaml), HOST: '0.0.0.0' });
    try {
      const url = gateway.url.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
      const res = await fetch(`${url}/v1/models`);
      expect(res.status).toBe(401);
      const probe = await fetch(`${url}/health/live`);
      expect(probe.status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });

  describe('graceful shutdown', () => {
    let fake: FakeUpstream;
    beforeAll(async () => {
      fake = await startFakeOpenAiUpstream();
    });
    afterAll(() => fake.close());

    it('on SIGTERM: readiness goes down, new requests are refused, the stream in flight finishes, exit 0', async () => {
      const yaml = singleProviderConfig('openai', `${fake.url}/v1`, {
        serverYaml: '  drainTimeoutMs: 10000',
      });
      const gateway = await spawnGateway({ GATEWAY_CONFIG: writeTempConfig(yaml) });
      fake.enqueue({ type: 'slow', text: 'a b c d e f g h i j', intervalMs: 100 });
      const streamed = new Promise<string>((resolve, reject) => {
        const req = request(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(
          JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ready = await fetch(`${gateway.url}/health/ready`, {
        headers: { connection: 'close' },
      });
      expect(ready.status).toBe(503);
      const refused = await fetch(`${gateway.url}/v1/models`, { headers: { connection: 'close' } });
      expect(refused.status).toBe(503);
      const text = await streamed;
      expect(text).toContain('data: [DONE]');
      expect(await gateway.exited).toBe(0);
    });
  });
});
