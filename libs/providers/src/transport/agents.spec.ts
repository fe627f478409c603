import { request as httpsRequest } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, request, type Agent } from 'node:http';
import { createUpstreamAgents } from './agents';

describe('upstream agents', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // accepts TCP connections and never answers: a TLS handshake against it never completes
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails a connection that is not established within connectMs', async () => {
    const agents = createUpstreamAgents(4, 100);
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = httpsRequest({ host: '127.0.0.1', port, agent: agents.https, path: '/' });
      req.on('error', resolve);
      req.end();
    });
    expect(error.code).toBe('ETIMEDOUT');
    expect(Date.now() - started).toBeLessThan(1000);
    agents.https.destroy();
  });

  it('keeps a connected socket alive past connectMs and reuses it', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    let connections = 0;
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agents = createUpstreamAgents(4, 50);
    const get = () =>
      fetchText(`http://127.0.0.1:${port}/`, agents.http).then((text) => expect(text).toBe('ok'));
    await get();
    await new Promise((resolve) => setTimeout(resolve, 120));
    await get();
    expect(connections).toBe(1);
    agents.http.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

function fetchText(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}
