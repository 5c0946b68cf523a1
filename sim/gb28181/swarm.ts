// A light simulator of many GB/T 28181 devices in one process: each its own UDP socket on its own loopback address, REGISTER with
// digest, then a MESSAGE Keepalive every interval; requests retransmitted as RFC 3261 says for UDP (T1 doubling, 7 tries).
import dgram from 'node:dgram';
import {
  MANSCDP,
  authorizationHeader,
  buildKeepalive,
  buildRequest,
  header,
  newBranch,
  newCallId,
  newTag,
  parseDigest,
  parseSip,
  responseTo,
  serializeSip,
  type SipRequest,
} from '../../gateway/gb28181/index';

export interface SwarmOptions {
  count: number;
  server: { host: string; port: number; id: string; realm: string };
  password: string;
  keepaliveS: number;
  /** New registrations started per second (devices booting). Default 1000. */
  registerPerSecond?: number;
  /** First device serial (ids are realm + 132 + 7-digit serial). Default 1. */
  firstSerial?: number;
  /** First retransmission after, ms (T1). Default 500. */
  t1Ms?: number;
}

export interface SwarmStats {
  devices: number;
  registered: number;
  /** Final answers other than 200 to a REGISTER (after its digest), by status. */
  refused: Record<string, number>;
  keepalivesSent: number;
  keepalivesAcked: number;
  /** Keepalives given up on (7 tries unanswered) or answered with an error. */
  keepalivesFailed: number;
  retransmissions: number;
}

interface Pending {
  req: SipRequest;
  buf: Buffer;
  tries: number;
  due: number;
  kind: 'register' | 'keepalive';
}

interface Dev {
  id: string;
  host: string;
  sock: dgram.Socket;
  port: number;
  callId: string;
  tag: string;
  cseq: number;
  sn: number;
  registered: boolean;
  authTried: boolean;
  nextKeepalive: number;
  pending: Pending | null;
}

const MAX_TRIES = 7;

/** Loopback address of device i: 127.a.b.c with b, c in 1..250 (every device its own address, as on a real network). */
export const swarmHost = (i: number): string =>
  `127.${20 + Math.floor(i / 62_500)}.${(Math.floor(i / 250) % 250) + 1}.${(i % 250) + 1}`;

export class GbSwarm {
  readonly stats: SwarmStats;
  private readonly devs: Dev[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started = 0;

  constructor(readonly opts: SwarmOptions) {
    this.stats = {
      devices: opts.count,
      registered: 0,
      refused: {},
      keepalivesSent: 0,
      keepalivesAcked: 0,
      keepalivesFailed: 0,
      retransmissions: 0,
    };
  }

  /** Binds every device's socket, then starts registering them (paced) and keeping them alive. */
  async start(): Promise<void> {
    const { count, server } = this.opts;
    const first = this.opts.firstSerial ?? 1;
    for (let i = 0; i < count; i++) {
      const host = swarmHost(i);
      const sock = dgram.createSocket('udp4');
      await new Promise<void>((res, rej) => sock.once('error', rej).bind(0, host, () => res()));
      const dev: Dev = {
        id: `${server.realm}132${String(first + i).padStart(7, '0')}`,
        host,
        sock,
        port: sock.address().port,
        callId: newCallId(host),
        tag: newTag(),
        cseq: 1,
        sn: 1,
        registered: false,
        authTried: false,
        nextKeepalive: Infinity,
        pending: null,
      };
      sock.on('message', (m) => this.onMessage(dev, m));
      sock.on('error', () => undefined);
      this.devs.push(dev);
    }
    const t0 = Date.now();
    const rate = this.opts.registerPerSecond ?? 1000;
    this.timer = setInterval(() => this.tick(t0, rate), 20);
  }

  private tick(t0: number, rate: number): void {
    const now = Date.now();
    const due = Math.min(this.devs.length, Math.floor(((now - t0) / 1000) * rate) + 1);
    for (; this.started < due; this.started++) this.register(this.devs[this.started]!);
    const t1 = this.opts.t1Ms ?? 500;
    for (const d of this.devs) {
      const p = d.pending;
      if (p && now >= p.due) {
        if (p.tries >= MAX_TRIES) {
          d.pending = null;
          if (p.kind === 'keepalive') this.stats.keepalivesFailed++;
          else this.stats.refused.timeout = (this.stats.refused.timeout ?? 0) + 1;
          continue;
        }
        p.tries++;
        p.due = now + Math.min(t1 * 2 ** p.tries, 4000);
        this.stats.retransmissions++;
        this.send(d, p.buf);
      } else if (!p && d.registered && now >= d.nextKeepalive) {
        d.nextKeepalive += this.opts.keepaliveS * 1000;
        this.stats.keepalivesSent++;
        this.request(d, 'keepalive', this.message(d));
      }
    }
  }

  private send(d: Dev, buf: Buffer): void {
    d.sock.send(buf, this.opts.server.port, this.opts.server.host);
  }

  private request(d: Dev, kind: Pending['kind'], req: SipRequest): void {
    req.headers.unshift({ name: 'Via', value: `SIP/2.0/UDP ${d.host}:${d.port};rport;branch=${newBranch()}` });
    const buf = serializeSip(req);
    d.pending = { req, buf, tries: 0, due: Date.now() + (this.opts.t1Ms ?? 500), kind };
    this.send(d, buf);
  }

  private register(d: Dev, auth?: string): void {
    const s = this.opts.server;
    const me = `<sip:${d.id}@${s.realm}>`;
    const req = buildRequest({
      method: 'REGISTER',
      uri: `sip:${s.id}@${s.realm}`,
      from: `${me};tag=${d.tag}`,
      to: me,
      callId: d.callId,
      cseq: d.cseq++,
      contact: `<sip:${d.id}@${d.host}:${d.port}>`,
      extra: [{ name: 'Expires', value: '3600' }, ...(auth ? [{ name: 'Authorization', value: auth }] : [])],
    });
    this.request(d, 'register', req);
  }

  private message(d: Dev): SipRequest {
    const s = this.opts.server;
    return buildRequest({
      method: 'MESSAGE',
      uri: `sip:${s.id}@${s.realm}`,
      from: `<sip:${d.id}@${s.realm}>;tag=${newTag()}`,
      to: `<sip:${s.id}@${s.realm}>`,
      callId: newCallId(d.host),
      cseq: 20,
      body: buildKeepalive(d.sn++, d.id),
      contentType: MANSCDP,
    });
  }

  private onMessage(d: Dev, buf: Buffer): void {
    let msg;
    try {
      msg = parseSip(buf);
    } catch {
      return;
    }
    if (msg.kind === 'request') {
      // the platform's queries and the like: acknowledged, not answered further (a light device)
      if (msg.method !== 'ACK') this.send(d, serializeSip(responseTo(msg, 200, 'OK', [], Buffer.alloc(0))));
      return;
    }
    const p = d.pending;
    // the answer to this very request (a late answer to a retransmitted earlier one has another CSeq)
    if (!p || msg.status < 200) return;
    if (header(msg, 'Call-ID') !== header(p.req, 'Call-ID') || header(msg, 'CSeq') !== header(p.req, 'CSeq')) return;
    d.pending = null;
    if (p.kind === 'keepalive') {
      if (msg.status === 200) this.stats.keepalivesAcked++;
      else this.stats.keepalivesFailed++;
      return;
    }
    if (msg.status === 401 && !d.authTried) {
      d.authTried = true;
      const s = this.opts.server;
      const challenge = parseDigest(header(msg, 'WWW-Authenticate') ?? '') ?? {};
      const uri = `sip:${s.id}@${s.realm}`;
      return this.register(
        d,
        authorizationHeader(challenge, { username: d.id, password: this.opts.password, method: 'REGISTER', uri }),
      );
    }
    if (msg.status === 200) {
      d.registered = true;
      this.stats.registered++;
      // first keepalive at a random point of the interval: devices booted at different times
      d.nextKeepalive = Date.now() + Math.random() * this.opts.keepaliveS * 1000;
      return;
    }
    this.stats.refused[msg.status] = (this.stats.refused[msg.status] ?? 0) + 1;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.devs.map((d) => new Promise<void>((r) => d.sock.close(() => r()))));
    this.devs.length = 0;
  }
}
