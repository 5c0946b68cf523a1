// Screen credentials: a one-time pairing secret an admin hands to a wall PC, exchanged for the screen's own long-lived
// token; the token authenticates the screen as its principal (policy screenPrincipal). Only hashes are stored.
import { createHash, randomBytes } from 'node:crypto';
import { screenPrincipal, type Principal } from '../auth/policy';
import type { WallRepo } from '../db/wall-repo';
import { AuthenticationError } from '../errors';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A screen token: `ces_<screenId>_<43 base64url characters>`. */
const TOKEN_RE = /^ces_(\d{1,9})_([A-Za-z0-9_-]{43})$/;

/** How long a pairing secret may be used, ms (a day: time to walk to the wall PC). */
export const PAIRING_TTL_MS = 24 * 3600_000;

/** Whether a Bearer credential is a screen token (not a JWT): decides which authenticator reads it. */
export function isScreenToken(token: string): boolean {
  return token.startsWith('ces_');
}

export class ScreenCredentials {
  constructor(private readonly repo: Pick<WallRepo, 'setPairing' | 'pair' | 'screenByToken' | 'pairedScreen'>) {}

  /** A new pairing secret for screen `id` (shown once; a later one replaces it). */
  async issuePairing(id: number): Promise<{ secret: string; expiresAt: Date }> {
    const secret = randomBytes(18).toString('base64url');
    const expiresAt = new Date(Date.now() + PAIRING_TTL_MS);
    await this.repo.setPairing(id, sha256(secret), expiresAt);
    return { secret, expiresAt };
  }

  /**
   * Exchanges a pairing secret for the screen's token, once. The token replaces any earlier one: a wall PC paired
   * again takes the screen over. AuthenticationError when the secret is wrong, used or expired.
   */
  async pair(id: number, secret: string): Promise<string> {
    const token = `ces_${id}_${randomBytes(32).toString('base64url')}`;
    if (!(await this.repo.pair(id, sha256(secret), sha256(token))))
      throw new AuthenticationError(`wall: the pairing secret of screen ${id} is wrong, used or expired`);
    return token;
  }

  /** The principal of a screen token; AuthenticationError when malformed or not the screen's current token. */
  async authenticate(token: string): Promise<Principal> {
    const m = TOKEN_RE.exec(token);
    if (!m) throw new AuthenticationError('auth: screen token is malformed');
    const s = await this.repo.screenByToken(Number(m[1]), sha256(token));
    if (!s) throw new AuthenticationError('auth: screen token is unknown or was replaced by a new pairing');
    return screenPrincipal(s);
  }

  /** The principal of screen `id` as it is now (its token still set); null when it is gone or unpaired. */
  async resolve(id: number): Promise<Principal | null> {
    const s = await this.repo.pairedScreen(id);
    return s ? screenPrincipal(s) : null;
  }
}
