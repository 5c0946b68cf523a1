// Signed tokens: access JWTs for the API, short-lived stream and playback tokens, and export download links.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { deriveKey } from './secrets';

/** Only this algorithm is accepted: "none", RS*, ES* and confusion attacks are refused. */
const ALG = 'HS256' as const;
const CACHE_MS = 2000;

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly reason: 'expired' | 'invalid' | 'revoked' | 'wrong-audience',
  ) {
    super(message);
  }
}

export interface AccessClaims {
  /** user id */
  sub: string;
  /** session id, revoked by logout */
  sid: string;
  role: string;
  dept: number | null;
}

export interface StreamClaims {
  /** principal key: "u:<userId>" or "k:<apiKeyId>" */
  sub: string;
  cam: string;
  prof: string;
  /** stream session id, shared by the playlist and its segments (audit of the close) */
  ssid: string;
  /** cluster: the node that holds the session (and serves the stream); absent on a node alone */
  node?: string;
}

/** A playback session: bound to the principal, camera, profile and start (the session's window follows from it). */
export interface PlaybackClaims {
  sub: string;
  cam: string;
  prof: string;
  /** Start of the session, ms since the epoch. */
  start: number;
  /** End of the session's window, ms since the epoch. */
  end: number;
  /** Playback session id (audit). */
  psid: string;
  /** Speed asked for (above 8: the server serves keyframes only). */
  spd: number;
  /** A lower platform's camera: the session the lower platform opened (it plays the footage). */
  rs?: string;
}

/** A download link of an export's file. */
export interface ExportClaims {
  sub: string;
  /** Export id. */
  exp_id: string;
}

export interface TokenOptions {
  issuer: string;
  accessTtlS: number;
  streamTtlS: number;
}

export class TokenService {
  // KeyObjects, not Buffers: jsonwebtoken otherwise re-imports the secret on every verify
  // (createPublicKey throws, then createSecretKey) — measured at 56 % of a busy gateway's CPU
  private readonly accessKey: KeyObject;
  private readonly streamKey: KeyObject;
  private readonly playbackKey: KeyObject;
  private readonly exportKey: KeyObject;
  /** Recently verified tokens (signature and claims checked), for at most CACHE_MS each. */
  private readonly verified = new Map<string, { payload: jwt.JwtPayload; until: number }>();

  constructor(
    master: Buffer,
    private readonly opts: TokenOptions,
  ) {
    this.accessKey = createSecretKey(deriveKey(master, 'jwt-access'));
    this.streamKey = createSecretKey(deriveKey(master, 'jwt-stream'));
    this.playbackKey = createSecretKey(deriveKey(master, 'jwt-playback'));
    this.exportKey = createSecretKey(deriveKey(master, 'jwt-export'));
  }

  signAccess(c: AccessClaims): string {
    return jwt.sign({ sid: c.sid, role: c.role, dept: c.dept }, this.accessKey, {
      algorithm: ALG,
      subject: c.sub,
      issuer: this.opts.issuer,
      audience: 'cloudeye-api',
      expiresIn: this.opts.accessTtlS,
    });
  }

  verifyAccess(token: string): AccessClaims {
    const p = this.verify(token, this.accessKey, 'cloudeye-api');
    if (typeof p.sid !== 'string' || typeof p.role !== 'string')
      throw new TokenError('auth: token claims are malformed', 'invalid');
    return { sub: String(p.sub), sid: p.sid, role: p.role, dept: typeof p.dept === 'number' ? p.dept : null };
  }

  signStream(c: StreamClaims, ttlS = this.opts.streamTtlS): string {
    const claims = { cam: c.cam, prof: c.prof, ssid: c.ssid, ...(c.node ? { nd: c.node } : {}) };
    return jwt.sign(claims, this.streamKey, {
      algorithm: ALG,
      subject: c.sub,
      issuer: this.opts.issuer,
      audience: 'cloudeye-stream',
      expiresIn: ttlS,
    });
  }

  verifyStream(token: string): StreamClaims & { exp: number } {
    const p = this.verify(token, this.streamKey, 'cloudeye-stream');
    if (typeof p.cam !== 'string' || typeof p.prof !== 'string' || typeof p.ssid !== 'string')
      throw new TokenError('auth: stream token claims are malformed', 'invalid');
    const node = typeof p.nd === 'string' ? { node: p.nd } : {};
    return { sub: String(p.sub), cam: p.cam, prof: p.prof, ssid: p.ssid, ...node, exp: Number(p.exp) };
  }

  signPlayback(c: PlaybackClaims, ttlS: number): string {
    const { sub, ...claims } = c;
    return jwt.sign(claims, this.playbackKey, {
      algorithm: ALG,
      subject: sub,
      issuer: this.opts.issuer,
      audience: 'cloudeye-playback',
      expiresIn: ttlS,
    });
  }

  verifyPlayback(token: string): PlaybackClaims & { exp: number } {
    const p = this.verify(token, this.playbackKey, 'cloudeye-playback');
    const { cam, prof, start, end, psid, spd, rs } = p as Record<string, unknown>;
    if (
      typeof cam !== 'string' ||
      typeof prof !== 'string' ||
      typeof psid !== 'string' ||
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      !Number.isSafeInteger(spd) ||
      (rs !== undefined && typeof rs !== 'string')
    )
      throw new TokenError('auth: playback token claims are malformed', 'invalid');
    return {
      sub: String(p.sub),
      cam,
      prof,
      start: start as number,
      end: end as number,
      psid,
      spd: spd as number,
      ...(typeof rs === 'string' ? { rs } : {}),
      exp: Number(p.exp),
    };
  }

  signExport(c: ExportClaims, ttlS: number): string {
    return jwt.sign({ exp_id: c.exp_id }, this.exportKey, {
      algorithm: ALG,
      subject: c.sub,
      issuer: this.opts.issuer,
      audience: 'cloudeye-export',
      expiresIn: ttlS,
    });
  }

  verifyExport(token: string): ExportClaims & { exp: number } {
    const p = this.verify(token, this.exportKey, 'cloudeye-export');
    if (typeof p.exp_id !== 'string') throw new TokenError('auth: export link claims are malformed', 'invalid');
    return { sub: String(p.sub), exp_id: p.exp_id, exp: Number(p.exp) };
  }

  private verify(token: string, key: KeyObject, audience: string): jwt.JwtPayload {
    const now = Date.now();
    const hit = this.verified.get(token);
    // a cached verdict never outlives the token's own expiry
    if (hit && hit.until > now && hit.payload.aud === audience) return hit.payload;
    try {
      const p = jwt.verify(token, key, { algorithms: [ALG], issuer: this.opts.issuer, audience, clockTolerance: 5 });
      if (typeof p === 'string' || !p.sub) throw new TokenError('auth: token has no subject', 'invalid');
      if (this.verified.size >= 20_000) this.verified.clear();
      this.verified.set(token, { payload: p, until: Math.min(now + CACHE_MS, (p.exp ?? 0) * 1000) });
      return p;
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof jwt.TokenExpiredError) throw new TokenError('auth: token expired', 'expired');
      if (err instanceof jwt.JsonWebTokenError && /audience/.test(err.message))
        throw new TokenError('auth: token is for another audience', 'wrong-audience');
      throw new TokenError(`auth: token rejected (${err instanceof Error ? err.message : 'invalid'})`, 'invalid');
    }
  }
}
