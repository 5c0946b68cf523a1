// Password sessions: throttled login, refresh-token rotation (JWT + rotating refresh token), logout's record and audit.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AccountsRepo, UserRecord } from '../db/accounts-repo';
import type { AuditRepo } from '../db/audit-repo';
import { AuthenticationError, RateLimitError } from '../errors';
import { DUMMY_HASH, verifyPassword } from './passwords';
import type { Principal } from './policy';
import { SlidingWindowLimiter } from './rate-limit';
import type { TokenService } from './tokens';
import type { AuthOptions, LoginResult } from './auth-service';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export class PasswordSessions {
  /** Wrong passwords per (user name, address): refuses that pair only, never the name everywhere. */
  private readonly perUserIp: SlidingWindowLimiter;
  private readonly perIp: SlidingWindowLimiter;
  /** Wrong passwords per user name from anywhere: past the limit, attempts are slowed, not refused. */
  private readonly perUserSlow: SlidingWindowLimiter;

  constructor(
    private readonly accounts: AccountsRepo,
    private readonly audit: AuditRepo,
    private readonly tokens: TokenService,
    private readonly opts: AuthOptions,
  ) {
    this.perUserIp = new SlidingWindowLimiter(opts.loginMaxPerUser, opts.loginWindowS * 1000);
    this.perIp = new SlidingWindowLimiter(opts.loginMaxPerIp, opts.loginWindowS * 1000);
    this.perUserSlow = new SlidingWindowLimiter(opts.loginSlowPerUser, opts.loginWindowS * 1000);
  }

  /**
   * Password login. Throttled three ways, none of which locks the real user out: wrong passwords
   * for a name from one address (429 for that address and name only), attempts from one address
   * (429), and wrong passwords for a name from everywhere, past which every attempt on the name
   * — right or wrong, so the timing tells nothing — is answered loginSlowDelayMs later.
   */
  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    const pair = `u:${username}|ip:${ip}`;
    const wait = Math.max(this.perUserIp.retryAfterS(pair), this.perIp.retryAfterS(`ip:${ip}`));
    if (wait > 0) {
      await this.audit.append({
        actorType: 'anonymous',
        actorName: username,
        action: 'login',
        outcome: 'denied',
        ip,
        detail: { reason: 'rate-limited' },
      });
      throw new RateLimitError('auth: too many login attempts from this address, try again later', wait);
    }
    this.perIp.hit(`ip:${ip}`);
    const slowed = this.perUserSlow.retryAfterS(`u:${username}`) > 0;
    if (slowed) await new Promise((resolve) => setTimeout(resolve, this.opts.loginSlowDelayMs));
    const user = await this.accounts.userByName(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      this.perUserIp.hit(pair);
      this.perUserSlow.hit(`u:${username}`);
      const detail = { reason: user?.disabled ? 'disabled' : 'bad-credentials', ...(slowed ? { slowed: true } : {}) };
      await this.audit.append({
        actorType: 'anonymous',
        actorName: username,
        action: 'login',
        outcome: 'failed',
        ip,
        detail,
      });
      throw new AuthenticationError('auth: wrong user name or password');
    }
    this.perUserIp.reset(pair);
    const sid = randomUUID();
    const refreshToken = `${sid}.${randomBytes(32).toString('base64url')}`;
    await this.accounts.createSession({
      id: sid,
      userId: user.id,
      refreshHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.opts.refreshTtlS * 1000),
    });
    await this.audit.append({
      actorType: 'user',
      actorId: user.id,
      actorName: user.username,
      departmentId: user.departmentId,
      action: 'login',
      ip,
    });
    return { accessToken: this.signFor(user, sid), refreshToken, expiresIn: this.opts.accessTtlS, user };
  }

  private signFor(user: UserRecord, sid: string): string {
    return this.tokens.signAccess({ sub: String(user.id), sid, role: user.role, dept: user.departmentId });
  }

  /** Exchanges a refresh token for a new access token and a new refresh token (rotation). */
  async refresh(refreshToken: string): Promise<LoginResult> {
    const sid = refreshToken.split('.')[0] ?? '';
    const s = await this.accounts.session(sid);
    const presented = Buffer.from(sha256(refreshToken));
    if (
      !s ||
      s.revokedAt ||
      s.expiresAt.getTime() < Date.now() ||
      !timingSafeEqual(presented, Buffer.from(s.refreshHash.padEnd(presented.length).slice(0, presented.length)))
    )
      throw new AuthenticationError('auth: refresh token is invalid, expired or revoked');
    const user = await this.accounts.user(s.userId);
    if (!user || user.disabled) throw new AuthenticationError('auth: user no longer active');
    const next = `${sid}.${randomBytes(32).toString('base64url')}`;
    await this.accounts.rotateSession(sid, sha256(next), new Date(Date.now() + this.opts.refreshTtlS * 1000));
    return { accessToken: this.signFor(user, sid), refreshToken: next, expiresIn: this.opts.accessTtlS, user };
  }

  /** Ends session `sid` in the database and audits the logout. */
  async logout(p: Principal, sid: string, ip: string): Promise<void> {
    await this.accounts.revokeSession(sid);
    await this.audit.append({
      actorType: 'user',
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      action: 'logout',
      ip,
    });
  }
}
