import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server, to take the database away from a store that is already open:
 * `cut()` drops every connection, `stall()` keeps accepting but never forwards.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'stall' = 'forward';
  private readonly server: Server;

  private constructor(target: { host: string; port: number }) {
    this.server = createServer((client) => {
      this.track(client);
      if (this.mode === 'stall') return;
      const upstream = this.track(connect(target.port, target.host));
      client.pipe(upstream).pipe(client);
    });
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  stall(): void {
    this.mode = 'stall';
    this.dropConnections();
  }

  cut(): void {
    this.dropConnections();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
