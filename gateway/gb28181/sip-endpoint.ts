// A SIP endpoint over UDP and TCP: listeners, client transactions (sip-client-transactions.ts), server transaction replay.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { ClientTransactions } from './sip-client-transactions';
import { parseCSeq, parseVia } from './sip-headers';
import { SipStreamFramer } from './sip-framing';
import { newBranch, responseTo } from './sip-request';
import {
  DEFAULT_LIMITS,
  header,
  parseSip,
  serializeSip,
  type SipHeader,
  type SipLimits,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './sip-message';

/** Where a message came from or goes to. TCP peers carry their connection. */
export interface SipPeer {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
  socket?: net.Socket;
}

export interface SipEndpointOptions {
  /** Address to listen on and to put in Via/Contact. */
  host: string;
  /** UDP port (0 = any free one; undefined = no UDP). */
  udpPort?: number;
  /** TCP port (0 = any free one; undefined = no TCP listener, outgoing TCP still possible). */
  tcpPort?: number;
  limits?: SipLimits;
  /** RFC 3261 T1, ms (first retransmission over UDP; Timer B/F are 64 × T1). Default 500. */
  t1Ms?: number;
  /** RFC 3261 T2, ms (retransmission cap for non-INVITE). Default 4000. */
  t2Ms?: number;
  /** Most TCP connections held at once; more are refused. Default 2000. */
  maxTcpConnections?: number;
  /** UDP receive buffer asked of the kernel (capped by net.core.rmem_max), for bursts of many devices. Default 4 MiB. */
  udpRecvBufferBytes?: number;
  /** Most answered requests remembered to replay their response to retransmissions. Default 20000. */
  maxServerTransactions?: number;
}

/** A received request and the way to answer it (the response follows the request's Via/From/To/Call-ID/CSeq). */
export interface IncomingRequest {
  req: SipRequest;
  peer: SipPeer;
  reply(status: number, reason: string, extra?: SipHeader[], body?: Buffer): void;
}

/**
 * Emits 'request' (IncomingRequest) for each new request, 'dropped' ({ peer, reason }) for input
 * refused (malformed, oversized, unmatched), and 'tcp-closed' (peer) when a connection ends.
 */
export class SipEndpoint extends EventEmitter {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly conns = new Map<string, net.Socket>();
  private readonly clientTx: ClientTransactions;
  private readonly serverTx = new Map<string, Buffer | null>();
  private readonly limits: SipLimits;
  private readonly t1: number;
  private readonly t2: number;
  private closed = false;

  constructor(readonly opts: SipEndpointOptions) {
    super();
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.t1 = opts.t1Ms ?? 500;
    this.t2 = opts.t2Ms ?? 4000;
    this.clientTx = new ClientTransactions(this.t1, this.t2, (peer, bytes) => this.sendRaw(peer, bytes));
  }

  get udpPort(): number {
    return this.udp ? this.udp.address().port : 0;
  }

  get tcpPort(): number {
    const a = this.tcp?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  async start(): Promise<void> {
    if (this.opts.udpPort !== undefined) {
      const udp = dgram.createSocket('udp4');
      this.udp = udp;
      udp.on('message', (msg, rinfo) =>
        this.receive(msg, { transport: 'udp', address: rinfo.address, port: rinfo.port }),
      );
      udp.on('error', (e) => this.emit('dropped', { peer: null, reason: `udp: ${e.message}` }));
      await new Promise<void>((res, rej) => {
        udp.once('error', rej);
        udp.bind(this.opts.udpPort, this.opts.host, () => res());
      });
      try {
        udp.setRecvBufferSize(this.opts.udpRecvBufferBytes ?? 4 * 1024 * 1024);
      } catch {
        // the kernel refused the size: the default buffer stays, retransmissions cover bursts
      }
    }
    if (this.opts.tcpPort !== undefined) {
      const tcp = net.createServer((s) => this.adopt(s));
      this.tcp = tcp;
      await new Promise<void>((res, rej) => {
        tcp.once('error', rej);
        tcp.listen(this.opts.tcpPort, this.opts.host, () => res());
      });
    }
  }

  /** A TCP connection to host:port (reused when one is open). */
  async connect(address: string, port: number): Promise<SipPeer> {
    const known = this.conns.get(`${address}:${port}`);
    if (known && !known.destroyed) return { transport: 'tcp', address, port, socket: known };
    const socket = net.connect({ host: address, port });
    await new Promise<void>((res, rej) => {
      socket.once('connect', res);
      socket.once('error', rej);
    });
    this.adopt(socket);
    return { transport: 'tcp', address, port, socket };
  }

  private adopt(s: net.Socket): void {
    const max = this.opts.maxTcpConnections ?? 2000;
    const peer: SipPeer = { transport: 'tcp', address: s.remoteAddress ?? '', port: s.remotePort ?? 0, socket: s };
    if (this.conns.size >= max || this.closed) {
      this.emit('dropped', { peer, reason: `tcp: connection refused, ${max} open` });
      s.destroy();
      return;
    }
    const key = `${peer.address}:${peer.port}`;
    this.conns.set(key, s);
    const framer = new SipStreamFramer(this.limits);
    s.on('data', (chunk: Buffer) => {
      let msgs: SipMessage[];
      try {
        msgs = framer.push(chunk);
      } catch (e) {
        this.emit('dropped', { peer, reason: (e as Error).message });
        s.destroy();
        return;
      }
      for (const m of msgs) this.dispatch(m, peer);
    });
    s.on('error', () => s.destroy());
    s.on('close', () => {
      if (this.conns.get(key) === s) this.conns.delete(key);
      this.emit('tcp-closed', peer);
    });
  }

  private receive(buf: Buffer, peer: SipPeer): void {
    if (buf.length <= 4 && /^[\r\n]*$/.test(buf.toString('latin1'))) return; // keep-alive CRLF
    let msg: SipMessage;
    try {
      msg = parseSip(buf, this.limits);
    } catch (e) {
      this.emit('dropped', { peer, reason: (e as Error).message });
      return;
    }
    this.dispatch(msg, peer);
  }

  private dispatch(msg: SipMessage, peer: SipPeer): void {
    const via = header(msg, 'Via');
    const cseq = header(msg, 'CSeq');
    if (!via || !cseq || !header(msg, 'Call-ID') || !header(msg, 'From') || !header(msg, 'To')) {
      this.emit('dropped', { peer, reason: 'gb28181: message without Via, CSeq, Call-ID, From or To' });
      return;
    }
    let branch: string;
    let method: string;
    try {
      branch = parseVia(via.split(',')[0] ?? '').params.branch ?? '';
      method = parseCSeq(cseq).method;
    } catch (e) {
      this.emit('dropped', { peer, reason: (e as Error).message });
      return;
    }
    if (msg.kind === 'response') return this.onResponse(msg, `${branch}|${method}`, peer);
    if (msg.method === 'ACK') return void this.emit('request', this.incoming(msg, peer, null));
    const key = `${branch}|${msg.method}|${peer.address}:${peer.port}`;
    if (this.serverTx.has(key)) {
      const saved = this.serverTx.get(key);
      if (saved) this.sendRaw(peer, saved);
      return;
    }
    this.serverTx.set(key, null);
    setTimeout(() => this.serverTx.get(key) === null && this.serverTx.delete(key), 64 * this.t1).unref();
    const max = this.opts.maxServerTransactions ?? 20_000;
    if (this.serverTx.size > max) this.serverTx.delete(this.serverTx.keys().next().value as string);
    this.emit('request', this.incoming(msg, peer, key));
  }

  private incoming(req: SipRequest, peer: SipPeer, key: string | null): IncomingRequest {
    return {
      req,
      peer,
      reply: (status, reason, extra = [], body = Buffer.alloc(0)) => {
        const res = responseTo(req, status, reason, extra, body, peer);
        const bytes = serializeSip(res);
        if (key && status >= 200) {
          this.serverTx.delete(key);
          this.serverTx.set(key, bytes);
          setTimeout(() => this.serverTx.get(key) === bytes && this.serverTx.delete(key), 64 * this.t1).unref();
        }
        this.sendRaw(peer, bytes);
      },
    };
  }

  private onResponse(res: SipResponse, key: string, peer: SipPeer): void {
    if (this.clientTx.onResponse(res, key)) return;
    // a 2xx to an INVITE retransmitted by the device after we answered: the dialog layer ACKs it again
    if (res.status >= 200 && res.status < 300 && key.endsWith('|INVITE')) this.emit('stray-2xx', res, peer);
    else this.emit('dropped', { peer, reason: `gb28181: response ${res.status} matches no transaction` });
  }

  /**
   * Sends a request as a client transaction: a Via with a new branch is put on top, retransmitted at
   * T1, 2·T1, … (capped at T2 for non-INVITE) over UDP, and the promise settles with the final
   * response or SipTimeoutError after 64·T1 (Timer B/F).
   */
  request(peer: SipPeer, req: SipRequest, onProvisional?: (r: SipResponse) => void): Promise<SipResponse> {
    const branch = newBranch();
    return this.clientTx.start(peer, this.withVia(peer, req, branch), `${branch}|${req.method}`, onProvisional);
  }

  private withVia(peer: SipPeer, req: SipRequest, branch: string): SipRequest {
    const port = peer.transport === 'udp' ? this.udpPort : this.tcpPort || peer.socket?.localPort || 0;
    const via = `SIP/2.0/${peer.transport.toUpperCase()} ${this.opts.host}:${port};rport;branch=${branch}`;
    return { ...req, headers: [{ name: 'Via', value: via }, ...req.headers.filter((h) => h.name !== 'Via')] };
  }

  /** Sends a request outside any transaction (the ACK of a 2xx), with a Via of a new branch. */
  sendRequest(peer: SipPeer, req: SipRequest): void {
    this.sendRaw(peer, serializeSip(this.withVia(peer, req, newBranch())));
  }

  /** Sends bytes of one message without a transaction (responses). */
  send(peer: SipPeer, msg: SipMessage): void {
    this.sendRaw(peer, serializeSip(msg));
  }

  private sendRaw(peer: SipPeer, bytes: Buffer): void {
    if (this.closed) return;
    if (peer.transport === 'udp') this.udp?.send(bytes, peer.port, peer.address);
    else if (peer.socket && !peer.socket.destroyed) peer.socket.write(bytes);
    else this.emit('dropped', { peer, reason: 'gb28181: TCP peer has no open connection' });
  }

  /** Where this endpoint is reached on `transport`, for Via/Contact. */
  hostPort(transport: 'udp' | 'tcp'): string {
    return `${this.opts.host}:${transport === 'udp' ? this.udpPort : this.tcpPort}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clientTx.close();
    for (const s of this.conns.values()) s.destroy();
    this.conns.clear();
    const udp = this.udp;
    if (udp) await new Promise<void>((res) => udp.close(() => res()));
    const tcp = this.tcp;
    if (tcp) await new Promise<void>((res) => tcp.close(() => res()));
    this.serverTx.clear();
  }
}
