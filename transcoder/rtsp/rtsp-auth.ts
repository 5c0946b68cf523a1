// RTSP authentication: a WWW-Authenticate challenge answered with Digest (RFC 2617/7616: MD5, SHA-256) or Basic.
import { createHash, randomBytes } from 'node:crypto';

/** A parsed challenge: the scheme lower-cased and its parameters (names lower-cased, quotes removed). */
export interface Challenge {
  scheme: string;
  params: Map<string, string>;
}

/** Parses one WWW-Authenticate value ("Digest realm=\"x\", nonce=\"y\", qop=\"auth\""). */
export function parseChallenge(value: string): Challenge {
  const m = /^\s*([A-Za-z0-9_-]+)\s*(.*)$/s.exec(value.slice(0, 4096));
  const params = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m?.[2] ?? '';
  let p: RegExpExecArray | null;
  while ((p = re.exec(rest)) && params.size < 32)
    params.set(p[1]!.toLowerCase(), p[2]?.replace(/\\(.)/g, '$1') ?? p[3] ?? '');
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}

const HASHES: Record<string, 'md5' | 'sha256'> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
};

/** The inputs of a Digest response (RFC 2617 §3.2.2; RFC 7616 for SHA-256). */
export interface DigestInput {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** 'auth', or '' when the challenge offered no qop (RFC 2069 compatibility). */
  qop: string;
  nc: string;
  cnonce: string;
  /** MD5 (default), MD5-sess, SHA-256, SHA-256-sess. */
  algorithm?: string;
}

/** The request-digest ("response" parameter), lower-case hex. */
export function digestResponse(d: DigestInput): string {
  const alg = (d.algorithm ?? 'MD5').toUpperCase();
  const hash = (s: string): string =>
    createHash(HASHES[alg] ?? 'md5')
      .update(s, 'utf8')
      .digest('hex');
  let ha1 = hash(`${d.username}:${d.realm}:${d.password}`);
  if (alg.endsWith('-SESS')) ha1 = hash(`${ha1}:${d.nonce}:${d.cnonce}`);
  const ha2 = hash(`${d.method}:${d.uri}`);
  return d.qop ? hash(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:${d.qop}:${ha2}`) : hash(`${ha1}:${d.nonce}:${ha2}`);
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

/**
 * Answers the challenges of a 401 for every later request: Digest preferred (SHA-256 over MD5),
 * then Basic. `authorization()` gives the header value for a request; null when no challenge
 * offered a supported scheme.
 */
export class Authenticator {
  private nc = 0;
  private readonly cnonce = randomBytes(8).toString('hex');

  private constructor(
    private readonly username: string,
    private readonly password: string,
    private readonly challenge: Challenge,
  ) {}

  /** From the WWW-Authenticate values of a 401; null when none is Digest (supported algorithm) or Basic. */
  static from(values: string[], username: string, password: string): Authenticator | null {
    const parsed = values.map(parseChallenge);
    const rank = (c: Challenge): number => {
      if (c.scheme === 'basic') return 1;
      if (c.scheme !== 'digest' || !c.params.get('nonce')) return 0;
      const alg = (c.params.get('algorithm') ?? 'MD5').toUpperCase();
      const qop = c.params.get('qop');
      // only qop=auth (or none) is answered: auth-int would need the body hashed
      if (qop !== undefined && !qop.split(',').some((q) => q.trim() === 'auth')) return 0;
      return HASHES[alg] ? (HASHES[alg] === 'sha256' ? 3 : 2) : 0;
    };
    const best = parsed.filter((c) => rank(c) > 0).sort((a, b) => rank(b) - rank(a))[0];
    return best ? new Authenticator(username, password, best) : null;
  }

  /** The scheme answered: 'digest' or 'basic'. */
  get scheme(): string {
    return this.challenge.scheme;
  }

  authorization(method: string, uri: string): string {
    const p = this.challenge.params;
    if (this.challenge.scheme === 'basic')
      return `Basic ${Buffer.from(`${this.username}:${this.password}`, 'utf8').toString('base64')}`;
    const realm = p.get('realm') ?? '';
    const nonce = p.get('nonce') ?? '';
    const qop = p.get('qop') === undefined ? '' : 'auth';
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const algorithm = p.get('algorithm');
    const response = digestResponse({
      ...{ username: this.username, password: this.password },
      realm,
      nonce,
      method,
      uri,
      qop,
      nc,
      cnonce: this.cnonce,
      algorithm,
    });
    const parts = [
      `username=${quote(this.username)}`,
      `realm=${quote(realm)}`,
      `nonce=${quote(nonce)}`,
      `uri=${quote(uri)}`,
      `response=${quote(response)}`,
    ];
    if (algorithm) parts.push(`algorithm=${algorithm}`);
    if (p.has('opaque')) parts.push(`opaque=${quote(p.get('opaque')!)}`);
    if (qop) parts.push(`qop=auth`, `nc=${nc}`, `cnonce=${quote(this.cnonce)}`);
    return `Digest ${parts.join(', ')}`;
  }
}
