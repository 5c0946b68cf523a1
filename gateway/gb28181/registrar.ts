// REGISTER handling of the platform (GB/T 28181 §9.1): flood limit, digest, expiry and unregister, the device table.
import { DigestServer } from './digest';
import { RateLimiter } from './flood';
import { parseNameAddr } from './sip-headers';
import { header } from './sip-message';
import type { IncomingRequest, SipPeer } from './sip-endpoint';

export interface GbDevice {
  id: string;
  peer: SipPeer;
  registeredAt: number;
  expiresAt: number;
  /** Date.now() of the last message from the device (REGISTER, Keepalive or any MESSAGE). */
  lastSeen: number;
  online: boolean;
  userAgent?: string;
}

export interface RegistrarOptions {
  realm: string;
  password: string | ((deviceId: string) => string | undefined);
  maxExpiresS?: number;
  registerRate?: { ratePerSecond: number; burst: number };
  maxDevices?: number;
  now: () => number;
}

const DEVICE_ID = /^\d{20}$/;

/** The id in a request's From (the sender), or '' when it cannot be read. */
export function fromId(r: IncomingRequest): string {
  try {
    return parseNameAddr(header(r.req, 'From') ?? '').uri.user;
  } catch {
    return '';
  }
}

/** Keeps the table of registered devices; reports through `emit` as the server's events. */
export class Registrar {
  readonly table = new Map<string, GbDevice>();
  private readonly digest: DigestServer;
  private readonly limiter: RateLimiter;
  private readonly now: () => number;

  constructor(
    private readonly opts: RegistrarOptions,
    private readonly emit: (event: string, ...args: unknown[]) => void,
  ) {
    this.now = opts.now;
    this.digest = new DigestServer({ realm: opts.realm, now: this.now });
    this.limiter = new RateLimiter({ ...(opts.registerRate ?? { ratePerSecond: 5, burst: 20 }), now: this.now });
  }

  handle(r: IncomingRequest): void {
    if (!this.limiter.take(r.peer.address)) {
      this.emit('dropped', { peer: r.peer, reason: `gb28181: REGISTER flood from ${r.peer.address}, dropped` });
      return;
    }
    const id = fromId(r);
    if (!DEVICE_ID.test(id)) return r.reply(400, 'Bad Request: device id is not 20 digits');
    const password = typeof this.opts.password === 'string' ? this.opts.password : this.opts.password(id);
    if (password === undefined) {
      this.emit('auth-failed', { deviceId: id, address: r.peer.address, verdict: 'unknown-device' });
      return r.reply(403, 'Forbidden');
    }
    const auth = header(r.req, 'Authorization');
    if (!auth) return r.reply(401, 'Unauthorized', [{ name: 'WWW-Authenticate', value: this.digest.challenge() }]);
    const verdict = this.digest.verify(auth, 'REGISTER', password);
    if (verdict === 'stale' || verdict === 'bad-nonce')
      return r.reply(401, 'Unauthorized', [
        { name: 'WWW-Authenticate', value: this.digest.challenge(verdict === 'stale') },
      ]);
    if (verdict !== 'ok') {
      this.emit('auth-failed', { deviceId: id, address: r.peer.address, verdict });
      return r.reply(403, 'Forbidden');
    }
    const expires = this.expiresOf(r);
    const now = this.now();
    const old = this.table.get(id);
    if (expires === 0) {
      if (old) {
        this.table.delete(id);
        this.emit('unregistered', old, 'unregister');
      }
      return r.reply(200, 'OK', [{ name: 'Expires', value: '0' }]);
    }
    if (!old && this.table.size >= (this.opts.maxDevices ?? 100_000)) return r.reply(503, 'Service Unavailable');
    const moved =
      !!old &&
      (old.peer.address !== r.peer.address || old.peer.port !== r.peer.port || old.peer.transport !== r.peer.transport);
    const ua = header(r.req, 'User-Agent');
    const dev: GbDevice = {
      id,
      peer: r.peer,
      registeredAt: old?.registeredAt ?? now,
      expiresAt: now + expires * 1000,
      lastSeen: now,
      online: true,
      ...(ua ? { userAgent: ua } : {}),
    };
    this.table.set(id, dev);
    r.reply(200, 'OK', [
      // GB/T 28181 §9.10: devices set their clock from this Date, local time of China (UTC+8) without a zone
      { name: 'Date', value: new Date(now + 8 * 3600_000).toISOString().slice(0, 23) },
      { name: 'Expires', value: String(expires) },
      ...(header(r.req, 'Contact') ? [{ name: 'Contact', value: header(r.req, 'Contact') ?? '' }] : []),
    ]);
    this.emit('registered', dev, { moved, renewed: !!old });
    if (old && !old.online) this.emit('online', dev);
  }

  private expiresOf(r: IncomingRequest): number {
    let v = header(r.req, 'Expires');
    if (v === undefined) {
      const contact = header(r.req, 'Contact');
      try {
        v = contact ? parseNameAddr(contact).params.expires : undefined;
      } catch {
        v = undefined;
      }
    }
    const n = v === undefined || !/^\d{1,10}$/.test(v.trim()) ? 3600 : Number(v);
    return Math.min(n, this.opts.maxExpiresS ?? 3600);
  }
}
