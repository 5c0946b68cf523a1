// HTTP Digest access authentication (RFC 7616: MD5, MD5-sess, SHA-256; qop=auth or none), shared with RTSP.
import { createHash, randomBytes } from 'node:crypto';

/** A parsed `WWW-Authenticate: Digest …` challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** "MD5" (default), "MD5-sess", "SHA-256" or "SHA-256-sess". */
  algorithm: string;
  /** "auth" when the server offers it, else undefined (RFC 2069 compatibility). */
  qop?: 'auth';
}

/** Splits `k=v, k2="v, 2"` auth-params into a map (keys lower-cased). */
function authParams(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(s); m; m = re.exec(s))
    out.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

/**
 * Finds the Digest challenge among one or more WWW-Authenticate header values; undefined when the
 * server offers no Digest (e.g. Basic only) or the challenge lacks realm/nonce or uses an unknown algorithm.
 */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const v of values) {
    // one header may carry several challenges: "Digest …, Basic realm=…"
    const idx = v.search(/(^|,\s*)Digest\s/i);
    if (idx < 0) continue;
    const rest = v.slice(v.indexOf('igest', idx) + 5).replace(/,\s*Basic\s.*$/i, '');
    const p = authParams(rest);
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    const algorithm = (p.get('algorithm') ?? 'MD5').toUpperCase();
    if (realm === undefined || !nonce || !['MD5', 'MD5-SESS', 'SHA-256', 'SHA-256-SESS'].includes(algorithm)) continue;
    const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
    const opaque = p.get('opaque');
    return {
      realm,
      nonce,
      algorithm,
      ...(opaque !== undefined ? { opaque } : {}),
      ...(qops.includes('auth') ? { qop: 'auth' as const } : {}),
    };
  }
  return undefined;
}

/** True when some WWW-Authenticate value offers Basic. */
export function offersBasic(header: string | string[] | undefined): boolean {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values.some((v) => /(^|,\s*)Basic(\s|$)/i.test(v));
}

const hash = (alg: string, s: string): string =>
  createHash(alg.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(s)
    .digest('hex');

/**
 * Builds the `Authorization: Digest …` value for one request. `nc` is the nonce count (1 for the
 * first use of a nonce); `uri` is the request-target exactly as sent; `cnonce` is random unless given (tests).
 */
export function digestAuthorization(
  ch: DigestChallenge,
  req: { method: string; uri: string; username: string; password: string; nc: number; cnonce?: string },
): string {
  const cnonce = req.cnonce ?? randomBytes(8).toString('hex');
  const nc = req.nc.toString(16).padStart(8, '0');
  let ha1 = hash(ch.algorithm, `${req.username}:${ch.realm}:${req.password}`);
  if (ch.algorithm.endsWith('-SESS')) ha1 = hash(ch.algorithm, `${ha1}:${ch.nonce}:${cnonce}`);
  const ha2 = hash(ch.algorithm, `${req.method}:${req.uri}`);
  const response = ch.qop
    ? hash(ch.algorithm, `${ha1}:${ch.nonce}:${nc}:${cnonce}:${ch.qop}:${ha2}`)
    : hash(ch.algorithm, `${ha1}:${ch.nonce}:${ha2}`);
  const q = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${q(req.username)}`,
    `realm=${q(ch.realm)}`,
    `nonce=${q(ch.nonce)}`,
    `uri=${q(req.uri)}`,
    `algorithm=${ch.algorithm === 'MD5-SESS' ? 'MD5-sess' : ch.algorithm === 'SHA-256-SESS' ? 'SHA-256-sess' : ch.algorithm}`,
    `response=${q(response)}`,
  ];
  if (ch.opaque !== undefined) parts.push(`opaque=${q(ch.opaque)}`);
  if (ch.qop) parts.push(`qop=${ch.qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

/** Checks a Digest Authorization header (server side; used by the simulated cameras and tests). */
export function verifyDigestAuthorization(
  header: string,
  method: string,
  users: { username: string; password: string; realm: string; nonce: string },
): boolean {
  const p = authParams(header.replace(/^\s*Digest\s+/i, ''));
  if (p.get('username') !== users.username || p.get('nonce') !== users.nonce || p.get('realm') !== users.realm)
    return false;
  const ch: DigestChallenge = {
    realm: users.realm,
    nonce: users.nonce,
    algorithm: (p.get('algorithm') ?? 'MD5').toUpperCase(),
    ...(p.get('qop') ? { qop: 'auth' as const } : {}),
  };
  const cnonce = p.get('cnonce');
  const expected = digestAuthorization(ch, {
    method,
    uri: p.get('uri') ?? '',
    username: users.username,
    password: users.password,
    nc: parseInt(p.get('nc') ?? '1', 16),
    ...(cnonce !== undefined ? { cnonce } : {}),
  });
  return authParams(expected.slice(7)).get('response') === p.get('response');
}
