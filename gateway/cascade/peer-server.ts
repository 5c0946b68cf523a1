// The upper platform's cascade port: HTTPS with client certificates; a lower platform's link is upgraded only
// when its certificate (signed by the configured CA, with its Common Name) and its name and token all match.
import https from 'node:https';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LINK_PATH, MAX_TEXT_BYTES } from './protocol';

/** A lower platform the upper one accepts (config cascade.server.peers). */
export interface PeerAccount {
  name: string;
  token: string;
  /** The Common Name its client certificate must carry ('' = any certificate the CA signed). */
  commonName: string;
}

export interface PeerServerOptions {
  host: string;
  port: number;
  /** PEM text of the server certificate, its key, and the CA of the peers' client certificates. */
  cert: string;
  key: string;
  ca: string;
  peers: readonly PeerAccount[];
  /** A link passed every check: the peer it belongs to. */
  accepted(peer: PeerAccount, ws: WebSocket, address: string): void;
  /** A refused attempt: who it claimed to be, from where, and why (logged and audited by the wiring). */
  refused(claimed: string, address: string, status: number, why: string): void;
}

const sameSecret = (a: string, b: string): boolean => {
  // compared as fixed-length digests: neither the length nor the content leaks through timing
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
};

/** Why a link attempt is refused (status and message), or its peer. */
export function checkPeer(
  peers: readonly PeerAccount[],
  tls: { authorized: boolean; authorizationError?: string | Error | null | undefined; commonName: string | null },
  name: string,
  auth: string,
): { peer: PeerAccount } | { status: number; why: string } {
  if (!tls.authorized)
    return {
      status: 401,
      why: `cascade: client certificate refused (${String(tls.authorizationError ?? 'no certificate presented')})`,
    };
  const peer = peers.find((p) => p.name === name);
  if (!peer) return { status: 403, why: `cascade: no peer named ${JSON.stringify(name.slice(0, 64))} is configured` };
  const m = /^Bearer (\S{1,512})$/.exec(auth);
  if (!m || !sameSecret(m[1]!, peer.token)) return { status: 401, why: `cascade: wrong token for peer ${peer.name}` };
  if (peer.commonName && tls.commonName !== peer.commonName)
    return {
      status: 403,
      why: `cascade: certificate of ${JSON.stringify(tls.commonName ?? '')} is not peer ${peer.name}'s (${peer.commonName})`,
    };
  return { peer };
}

function answer(socket: Duplex, status: number, why: string): void {
  const body = JSON.stringify({
    type: 'about:blank',
    title: status === 401 ? 'Unauthorized' : 'Forbidden',
    status,
    detail: why,
  });
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\n` +
      `Connection: close\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

export class PeerServer {
  private readonly server: https.Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TEXT_BYTES, perMessageDeflate: false });
  port = 0;

  constructor(private readonly opts: PeerServerOptions) {
    // the certificate is checked by hand (rejectUnauthorized false) so a refused peer gets an answer saying why
    this.server = https.createServer({
      cert: opts.cert,
      key: opts.key,
      ca: opts.ca,
      requestCert: true,
      rejectUnauthorized: false,
    });
    this.server.on('request', (_req, res) => {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end(`cascade: only the link (${LINK_PATH}) is served here\n`);
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('tlsClientError', () => undefined);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const address = req.socket.remoteAddress ?? '';
    const name = String(req.headers['x-cascade-peer'] ?? '');
    if ((req.url ?? '').split('?')[0] !== LINK_PATH)
      return answer(socket, 404, `cascade: no link at ${String(req.url).slice(0, 80)}`);
    const tls = req.socket as TLSSocket;
    const cert = tls.getPeerCertificate?.();
    const cn = cert && typeof cert.subject?.CN === 'string' ? cert.subject.CN : null;
    const r = checkPeer(
      this.opts.peers,
      { authorized: tls.authorized, authorizationError: tls.authorizationError, commonName: cn },
      name,
      String(req.headers.authorization ?? ''),
    );
    if ('why' in r) {
      this.opts.refused(name, address, r.status, r.why);
      return answer(socket, r.status, r.why);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.opts.accepted(r.peer, ws, address));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
