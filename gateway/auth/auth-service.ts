// Authentication: password login with sessions (password-sessions.ts), logout, API keys, principals.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountsRepo, ApiKeyRecord, UserRecord } from '../db/accounts-repo';
import type { OrgRepo } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import { AuthenticationError } from '../errors';
import { PasswordSessions } from './password-sessions';
import type { Principal, Role } from './policy';
import { TokenError, type TokenService } from './tokens';

export interface AuthOptions {
  accessTtlS: number;
  refreshTtlS: number;
  /** Wrong passwords per (user name, client address) in the window before that pair gets 429. */
  loginMaxPerUser: number;
  /** Attempts per client address (any names) in the window before it gets 429. */
  loginMaxPerIp: number;
  /** Wrong passwords per user name from all addresses in the window after which attempts are delayed. */
  loginSlowPerUser: number;
  /** Delay of each attempt on a name past loginSlowPerUser, ms. */
  loginSlowDelayMs: number;
  loginWindowS: number;
}

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserRecord;
}

/** Embed tokens, resolved by id (auth/embed-tokens.ts EmbedTokens answers; null when revoked or expired). */
export interface EmbedResolver {
  resolve(id: number): Promise<Principal | null>;
}

/** Wall screens' own credentials (wall/screen-credentials.ts ScreenCredentials answers). */
export interface ScreenAuthenticator {
  authenticate(token: string): Promise<Principal>;
  resolve(id: number): Promise<Principal | null>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const API_KEY_RE = /^ce_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;
const CACHE_MS = 2000;
/** A cached session principal is re-read in the background this long before it expires. */
const REFRESH_AHEAD_MS = 500;

export class AuthService {
  private readonly revoked = new Set<string>();
  /** principal by session id, briefly, so a video wall's requests do not each hit the database */
  private readonly cache = new Map<string, { p: Principal; until: number }>();
  /** Session principals being read from the database: one read per session at a time. */
  private readonly loading = new Map<string, Promise<Principal>>();
  /** Bumped by invalidate(): a read started before it must not fill the cache after it. */
  private generation = 0;

  private readonly passwords: PasswordSessions;

  constructor(
    private readonly accounts: AccountsRepo,
    private readonly org: OrgRepo,
    audit: AuditRepo,
    private readonly tokens: TokenService,
    opts: AuthOptions,
  ) {
    this.passwords = new PasswordSessions(accounts, audit, tokens, opts);
  }

  async start(): Promise<void> {
    for (const id of await this.accounts.revokedSessionIds()) this.revoked.add(id);
  }

  /** Password login, throttled (PasswordSessions.login). */
  login(username: string, password: string, ip: string): Promise<LoginResult> {
    return this.passwords.login(username, password, ip);
  }

  /** Exchanges a refresh token for a new access token and a new refresh token (rotation). */
  refresh(refreshToken: string): Promise<LoginResult> {
    return this.passwords.refresh(refreshToken);
  }

  async logout(p: Principal, sid: string, ip: string): Promise<void> {
    this.revoked.add(sid);
    this.cache.delete(sid);
    await this.passwords.logout(p, sid, ip);
  }

  /** Principal of a Bearer access token; throws AuthenticationError for any bad token. */
  async fromAccessToken(token: string): Promise<{ principal: Principal; sid: string }> {
    let claims;
    try {
      claims = this.tokens.verifyAccess(token);
    } catch (err) {
      throw new AuthenticationError(err instanceof TokenError ? err.message : 'auth: token rejected');
    }
    if (this.revoked.has(claims.sid)) throw new AuthenticationError('auth: session has been logged out');
    const now = Date.now();
    const hit = this.cache.get(claims.sid);
    if (hit && hit.until > now) {
      // re-read shortly before expiry, in the background: a busy session's requests never all wait
      // for the database at the moment its entry runs out
      if (hit.until - now <= REFRESH_AHEAD_MS) this.sessionPrincipal(claims.sid, claims.sub).catch(() => undefined);
      return { principal: hit.p, sid: claims.sid };
    }
    return { principal: await this.sessionPrincipal(claims.sid, claims.sub), sid: claims.sid };
  }

  /**
   * Reads a session's principal from the database and caches it for CACHE_MS. Concurrent callers
   * share one read; a read that an invalidate() overtook answers its callers but caches nothing.
   */
  private sessionPrincipal(sid: string, sub: string): Promise<Principal> {
    let pending = this.loading.get(sid);
    if (pending) return pending;
    const generation = this.generation;
    pending = (async () => {
      const [session, user] = await Promise.all([this.accounts.session(sid), this.accounts.user(Number(sub))]);
      // a correctly signed token still names a session this gateway opened, for this user, still open
      if (!session || String(session.userId) !== sub || session.revokedAt || session.expiresAt.getTime() < Date.now()) {
        if (generation === this.generation) this.cache.delete(sid);
        throw new AuthenticationError(`auth: session ${JSON.stringify(sid.slice(0, 40))} is unknown or has ended`);
      }
      if (!user || user.disabled) {
        if (generation === this.generation) this.cache.delete(sid);
        throw new AuthenticationError('auth: user no longer active');
      }
      const principal = await this.userPrincipal(user);
      if (generation === this.generation && !this.revoked.has(sid)) {
        if (this.cache.size >= 10_000) this.cache.clear();
        this.cache.set(sid, { p: principal, until: Date.now() + CACHE_MS });
      }
      return principal;
    })().finally(() => {
      if (this.loading.get(sid) === pending) this.loading.delete(sid);
    });
    this.loading.set(sid, pending);
    return pending;
  }

  async userPrincipal(user: UserRecord): Promise<Principal> {
    const area = user.areaGridId ? ((await this.org.grid(user.areaGridId))?.geometry ?? null) : null;
    return {
      kind: 'user',
      id: user.id,
      name: user.username,
      role: user.role,
      departmentId: user.departmentId,
      area,
      scopes: [],
    };
  }

  /** Principal of an API key "ce_<prefix>_<secret>"; throws AuthenticationError when unknown or revoked. */
  async fromApiKey(key: string): Promise<Principal> {
    const m = API_KEY_RE.exec(key);
    if (!m) throw new AuthenticationError('auth: API key is malformed');
    const rec = await this.accounts.apiKeyByPrefix(m[1]!);
    const presented = Buffer.from(sha256(key));
    if (
      !rec ||
      !timingSafeEqual(presented, Buffer.from(rec.keyHash.padEnd(presented.length).slice(0, presented.length)))
    )
      throw new AuthenticationError('auth: API key is unknown');
    if (rec.revokedAt) throw new AuthenticationError('auth: API key has been revoked');
    void this.accounts.touchApiKey(rec.id).catch(() => undefined);
    return keyPrincipal(rec);
  }

  /**
   * The current principal behind a stream token's subject ("u:<userId>", "k:<apiKeyId>", "e:<embedId>"), or null
   * when the user is disabled or the key revoked. Cached for 2 s: each HLS request re-checks it.
   */
  async resolve(sub: string): Promise<Principal | null> {
    const hit = this.cache.get(sub);
    if (hit && hit.until > Date.now()) return hit.p;
    const m = /^([ukse]):(\d{1,12})$/.exec(sub);
    if (!m) return null;
    let p: Principal | null = null;
    if (m[1] === 's') p = (await this.screens?.resolve(Number(m[2]))) ?? null;
    else if (m[1] === 'e') p = (await this.embeds?.resolve(Number(m[2]))) ?? null;
    else if (m[1] === 'u') {
      const user = await this.accounts.user(Number(m[2]));
      if (user && !user.disabled) p = await this.userPrincipal(user);
    } else {
      const rec = await this.accounts.apiKey(Number(m[2]));
      if (rec && !rec.revokedAt) p = keyPrincipal(rec);
    }
    if (p) this.cache.set(sub, { p, until: Date.now() + CACHE_MS });
    else this.cache.delete(sub);
    return p;
  }

  private screens: ScreenAuthenticator | null = null;
  private embeds: EmbedResolver | null = null;

  /** Lets embed tokens' principals be resolved again (stream and socket re-checks; wired with the embed tokens). */
  useEmbeds(embeds: EmbedResolver): void {
    this.embeds = embeds;
  }

  /** Lets screen tokens in (the wall's screen credentials; wired once the wall is built). */
  useScreens(screens: ScreenAuthenticator): void {
    this.screens = screens;
  }

  /** Principal of a wall screen's token; throws AuthenticationError when unknown, replaced or the wall is not wired. */
  async fromScreenToken(token: string): Promise<Principal> {
    if (!this.screens) throw new AuthenticationError('auth: screen tokens are not accepted here');
    return this.screens.authenticate(token);
  }

  /** Drops cached principals (after a user or grid change). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.loading.clear();
    for (const l of this.invalidated) l();
  }

  private readonly invalidated = new Set<() => void>();

  /** Called after each invalidate(), i.e. after a user, API key or grid changed. Returns the unsubscribe. */
  onInvalidate(fn: () => void): () => void {
    this.invalidated.add(fn);
    return () => this.invalidated.delete(fn);
  }
}

/** The principal of an API key: an integrator of its department, narrowed by the key's camera scope. */
export function keyPrincipal(rec: ApiKeyRecord): Principal {
  return {
    kind: 'apikey',
    id: rec.id,
    name: `apikey:${rec.name}`,
    role: 'integrator' as Role,
    departmentId: rec.departmentId,
    area: null,
    scopes: rec.scopes,
    narrow: [rec.cameraScope],
  };
}

/** Creates a new API key string and what is stored of it. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const prefix = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
  const key = `ce_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}
