import { PassThrough } from 'node:stream';
import { createGatewayLogger } from './logger';

function capture() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { stream, lines };
}

describe('gateway logger', () => {
  it('writes one JSON object per line', async () => {
    const { stream, lines } = capture();
    const logger = createGatewayLogger({ level: 'info', stream });
    logger.info('request', { requestId: 'r1', status: 200 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(lines[0])).toMatchObject({
      message: 'request',
      requestId: 'r1',
      status: 200,
      level: 'info',
    });
  });

  it('redacts secret fields, nested headers and key shapes in messages', async () => {
    const { stream, lines } = capture();
    const logger = createGatewayLogger({ level: 'info', stream });
    const key = 'sk-proj-0123456789abcdefghijklmnop';
    logger.info(`upstream said: Incorrect API key ${key}`, {
      headers: { authorization: `Bearer ${key}`, 'x-api-key': 'plain-secret-value' },
      body: { nested: { apiKey: 'another-secret-value' } },
      error: new Error(`failed with ${key}`).message,
    });
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.join('\n');
    expect(line).not.toContain(key);
    expect(line).not.toContain('plain-secret-value');
    expect(line).not.toContain('another-secret-value');
    expect(line).toContain('[REDACTED]');
  });
});

describe('gateway logger serialization', () => {
  it('falls back to the safe serializer for a record with a cycle', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) =>
      lines.push(...chunk.toString().split('\n').filter(Boolean)),
    );
    const logger = createGatewayLogger({ level: 'info', stream });
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    expect(() => logger.info('cyclic', { looped })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(lines[0])).toMatchObject({ message: 'cyclic', looped: { name: 'loop' } });
  });
});
