// A TCP relay on loopback in front of a real server (PostgreSQL): cut() drops every connection and refuses new ones.
import net from 'node:net';

export class TcpRelay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** While true, new connections are accepted and then left without an answer (a server that hangs). */
  private hanging = false;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** Listens (on `port`, or any free one the first time). */
  async open(): Promise<void> {
    const server = net.createServer((client) => {
      if (this.hanging) {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** As if the server were gone: open connections are reset, new ones refused, until open() again. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** As if the server hung: open connections are reset, new ones accepted and never answered, until resume(). */
  hang(): void {
    this.hanging = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Relays again; the connections left hanging are reset (their clients see an error and retry). */
  resume(): void {
    this.hanging = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    return this.cut();
  }
}
