// SIP Digest authentication (RFC 2617/3261 §22, MD5, qop auth or none): server challenges with self-verifying expiring nonces.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { splitList } from './sip-message';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** Parses `Digest a="x", b=y` (also with no space after commas, as devices send) into lower-cased keys. */
export function parseDigest(value: string): Record<string, string> | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const part of splitList(m[1] ?? '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    out[part.slice(0, eq).trim().toLowerCase()] = v;
  }
  return out;
}

export interface DigestInput {
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** The `response` value of RFC 2617 §3.2.2.1 for MD5 (qop "auth" or absent). */
export function digestResponse(d: DigestInput): string {
  const ha1 = md5(`${d.username}:${d.realm}:${d.password}`);
  const ha2 = md5(`${d.method}:${d.uri}`);
  return d.qop ? md5(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:${d.qop}:${ha2}`) : md5(`${ha1}:${d.nonce}:${ha2}`);
}

/** An Authorization header value answering `challenge` (what a device sends; used by the simulator and tests). */
export function authorizationHeader(
  challenge: Record<string, string>,
  a: { username: string; password: string; method: string; uri: string },
): string {
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce ?? '';
  const qop = challenge.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const nc = '00000001';
  const cnonce = randomBytes(8).toString('hex');
  const response = digestResponse({ ...a, realm, nonce, ...(qop ? { qop, nc, cnonce } : {}) });
  const parts = [
    `username="${a.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${a.uri}"`,
    `response="${response}"`,
  ];
  parts.push('algorithm=MD5');
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (challenge.opaque !== undefined) parts.push(`opaque="${challenge.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

export type DigestVerdict = 'ok' | 'stale' | 'bad-nonce' | 'bad-response' | 'malformed' | 'replay';

export interface DigestServerOptions {
  realm: string;
  /** Offer qop="auth" in challenges (devices that answer without qop are still accepted). Default true. */
  qop?: boolean;
  /** How long an issued nonce is accepted, ms. Default 300000 (5 min). */
  nonceTtlMs?: number;
  /** Most nonces whose nc counters are remembered for qop replay checks. Default 10000. */
  maxTracked?: number;
  now?: () => number;
}

/**
 * Server side: issues nonces that carry their issue time and an HMAC over it (so no state is kept
 * per challenge and a REGISTER flood costs no memory), and verifies Authorization headers.
 */
export class DigestServer {
  private readonly key = randomBytes(32);
  private readonly ncSeen = new Map<string, number>();
  private readonly ttl: number;
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(private readonly opts: DigestServerOptions) {
    this.ttl = opts.nonceTtlMs ?? 300_000;
    this.maxTracked = opts.maxTracked ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  get realm(): string {
    return this.opts.realm;
  }

  /** A fresh nonce: hex of issue time (ms) + 8 random bytes + 8 bytes of HMAC. */
  nonce(): string {
    const head = `${this.now().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
    return head + createHmac('sha256', this.key).update(head).digest('hex').slice(0, 16);
  }

  /** A WWW-Authenticate value; `stale` tells the device its password was right but the nonce old. */
  challenge(stale = false): string {
    const qop = this.opts.qop === false ? '' : ', qop="auth"';
    return `Digest realm="${this.opts.realm}", nonce="${this.nonce()}"${qop}, algorithm=MD5${stale ? ', stale=true' : ''}`;
  }

  /** Whether a nonce was issued by this server and is younger than the TTL. */
  nonceState(nonce: string): 'fresh' | 'stale' | 'foreign' {
    if (!/^[0-9a-f]{44}$/.test(nonce)) return 'foreign';
    const head = nonce.slice(0, 28);
    const mac = createHmac('sha256', this.key).update(head).digest('hex').slice(0, 16);
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(nonce.slice(28)))) return 'foreign';
    const age = this.now() - parseInt(head.slice(0, 12), 16);
    return age >= 0 && age <= this.ttl ? 'fresh' : 'stale';
  }

  /**
   * Checks an Authorization header for `method` with the password of its username (undefined: unknown
   * user, always 'bad-response'). The response is checked before the nonce's age, so 'stale' means the
   * password was right.
   */
  verify(authorization: string, method: string, password: string | undefined): DigestVerdict {
    const d = parseDigest(authorization);
    if (!d || !d.username || !d.nonce || !d.uri || !d.response) return 'malformed';
    if (d.algorithm && d.algorithm.toUpperCase() !== 'MD5') return 'malformed';
    if (d.realm !== this.opts.realm) return 'bad-response';
    const state = this.nonceState(d.nonce);
    if (state === 'foreign') return 'bad-nonce';
    if (password === undefined) return 'bad-response';
    if (d.qop && (d.qop !== 'auth' || !/^[0-9a-fA-F]{8}$/.test(d.nc ?? '') || !d.cnonce)) return 'malformed';
    const expected = digestResponse({
      ...d,
      username: d.username,
      realm: d.realm,
      password,
      method,
      uri: d.uri,
      nonce: d.nonce,
    });
    const got = d.response.toLowerCase();
    if (got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected)))
      return 'bad-response';
    if (state === 'stale') return 'stale';
    if (d.qop) {
      const nc = parseInt(d.nc ?? '0', 16);
      const last = this.ncSeen.get(d.nonce) ?? 0;
      if (nc <= last) return 'replay';
      this.ncSeen.delete(d.nonce);
      this.ncSeen.set(d.nonce, nc);
      if (this.ncSeen.size > this.maxTracked) this.ncSeen.delete(this.ncSeen.keys().next().value as string);
    }
    return 'ok';
  }
}
