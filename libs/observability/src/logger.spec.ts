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

describe('gateway logger request lines', () => {
  function setup(level: string) {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    return { logger: createGatewayLogger({ level, stream }), writes };
  }

  it('writes one JSON line per request, batched into one write within 25 ms', async () => {
    const { logger, writes } = setup('info');
    logger.request('info', { requestId: 'a', status: 200, ttftMs: undefined });
    logger.request('info', { requestId: 'b', status: 502 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(writes).toHaveLength(1);
    const lines = writes[0]
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ requestId: 'a', status: 200, level: 'info', message: 'request' }),
      expect.objectContaining({ requestId: 'b', status: 502 }),
    ]);
    expect(lines[0]).not.toHaveProperty('ttftMs');
    expect(Date.parse(lines[0].timestamp)).not.toBeNaN();
  });

  it('redacts secrets like every other line and honours the level', async () => {
    const { logger, writes } = setup('info');
    logger.request('debug', { requestId: 'hidden' });
    logger.request('info', {
      requestId: 'r',
      authorization: 'Bearer abcdefghijklmnop',
      errorCode: 'x sk-proj-0123456789abcdef',
    });
    logger.flushRequests();
    await new Promise((resolve) => setImmediate(resolve));
    const text = writes.join('');
    expect(text).not.toContain('hidden');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain('sk-proj-0123456789abcdef');
    expect(text).toContain('[REDACTED]');
  });

  it('writes at once when 64 KB are pending, and on flushRequests()', async () => {
    const { logger, writes } = setup('info');
    const filler = 'x'.repeat(1000);
    for (let i = 0; i < 70; i += 1) logger.request('info', { requestId: `r${i}`, note: filler });
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0].trim().split('\n').length).toBeGreaterThanOrEqual(60);
    logger.request('info', { requestId: 'last' });
    logger.flushRequests();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('"requestId":"last"');
  });
});
