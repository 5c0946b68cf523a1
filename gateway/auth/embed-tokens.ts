// Embed tokens: an API key exchanges itself for a short-lived token for one end user, narrowed in cameras, actions and
// origins; tokens authenticate browser widgets, are revocable by id or by key, and are stored hashed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { embedTokenCreate, EmbedSession, EmbedToken } from '../contract';
import type { AccountsRepo, ApiKeyRecord } from '../db/accounts-repo';
import type { AuditRepo } from '../db/audit-repo';
import { publicEmbedToken, type EmbedRepo, type EmbedTokenRecord } from '../db/embed-repo';
import { ForbiddenError, NotFoundError } from '../errors';
import { embedOriginAllowed, embedRefusal, inDepartment, type Principal } from './policy';

/** Why an embed token was refused; the widget shows it and the host page's error callback gets it. */
export type EmbedRefusalReason = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'origin';

/** A refused embed token: 401 (malformed, unknown, expired, revoked) or 403 (used from another origin). */
export class EmbedTokenError extends Error {
  override name = 'EmbedTokenError';
  constructor(
    message: string,
    readonly reason: EmbedRefusalReason,
  ) {
    super(message);
  }
}

const TOKEN_RE = /^cee_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CACHE_MS = 2000;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Whether a bearer credential is an embed token (by its form; authenticate() checks it). */
export const isEmbedToken = (s: string): boolean => s.startsWith('cee_');

export class EmbedTokens {
  /** Principals by token record id, briefly: a widget's requests do not each read the database. */
  private readonly cache = new Map<number, { p: Principal | null; rec: EmbedTokenRecord; until: number }>();
  private allowed = new Set<string>();
  private readonly revokedListeners = new Set<() => void>();
  /** A timer per live token at its expiry: its streams and sockets are re-checked then, not at their next request. */
  private readonly expiries = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly repo: EmbedRepo,
    private readonly accounts: AccountsRepo,
    private readonly audit: AuditRepo,
  ) {}

  async start(): Promise<void> {
    await this.reloadOrigins();
  }

  /**
   * Every origin some unrevoked API key allows, and those of live tokens (an origin taken off its key since: the
   * widget there is refused, and can read why): the only origins answered cross-origin (CORS preflight, /sdk/).
   */
  get origins(): ReadonlySet<string> {
    return this.allowed;
  }

  /** Re-reads the allowed origins (after an API key is created, changed or revoked). */
  async reloadOrigins(): Promise<void> {
    const [keys, tokens] = await Promise.all([this.accounts.apiKeyOrigins(), this.repo.activeOrigins()]);
    this.allowed = new Set([...keys, ...tokens]);
  }

  /** Called after a token or a key's tokens are revoked, or a token expired (to re-check open streams and sockets). */
  onRevoke(fn: () => void): () => void {
    this.revokedListeners.add(fn);
    return () => this.revokedListeners.delete(fn);
  }

  /**
   * Issues a token for `key` (an API key's principal). `origin`: the request's Origin header, which a
   * browser always sends on a cross-origin call: the key is a server's secret, so such a call is refused.
   */
  async issue(
    key: Principal,
    body: z.infer<typeof embedTokenCreate>,
    origin: string | undefined,
    ip: string,
  ): Promise<EmbedToken & { token: string }> {
    if (origin !== undefined)
      throw new ForbiddenError('embed: an API key is never sent from a browser; exchange it on your server');
    if (key.kind !== 'apikey') throw new ForbiddenError('embed: only an API key issues embed tokens');
    const rec = await this.accounts.apiKey(key.id);
    if (!rec || rec.revokedAt) throw new ForbiddenError('embed: the API key has been revoked');
    const origins = body.origins ?? rec.origins;
    const refused = embedRefusal(
      { scope: rec.cameraScope, actions: rec.embedActions, origins: rec.origins },
      { actions: body.actions, origins },
    );
    if (refused) throw new ForbiddenError(`embed: ${refused}`);
    const prefix = Array.from(randomBytes(12), (b) => ALPHABET[b % ALPHABET.length]).join('');
    const token = `cee_${prefix}_${randomBytes(32).toString('base64url')}`;
    const made = await this.repo.create({
      apiKeyId: rec.id,
      prefix,
      tokenHash: sha256(token),
      label: body.label,
      cameraScope: body.cameraScope,
      actions: [...new Set(body.actions)],
      origins: [...new Set(origins)],
      expiresAt: new Date(Date.now() + body.ttlS * 1000),
    });
    await this.audit.append({
      actorType: 'apikey',
      actorId: rec.id,
      actorName: key.name,
      departmentId: rec.departmentId,
      action: 'embed.issue',
      targetType: 'embed',
      targetId: made.id,
      ip,
      detail: { label: made.label, actions: made.actions, origins: made.origins, expiresAt: made.expiresAt },
    });
    return { ...publicEmbedToken(made), token };
  }

  /**
   * The principal of embed token `token` presented from `origin` (the request's Origin header; `host`
   * its Host header, the gateway's own origin). Throws EmbedTokenError saying why it is refused.
   */
  async authenticate(token: string, origin: string | undefined, host: string | undefined): Promise<Principal> {
    const m = TOKEN_RE.exec(token);
    if (!m) throw new EmbedTokenError('embed: the token is malformed', 'malformed');
    const rec = await this.repo.byPrefix(m[1]!);
    const presented = Buffer.from(sha256(token));
    if (
      !rec ||
      !timingSafeEqual(presented, Buffer.from(rec.tokenHash.padEnd(presented.length).slice(0, presented.length)))
    )
      throw new EmbedTokenError('embed: the token is unknown', 'unknown');
    const p = await this.resolve(rec.id);
    if (!p) throw this.refusal(this.cache.get(rec.id)?.rec ?? rec);
    if (!embedOriginAllowed(p, origin, host))
      throw new EmbedTokenError(
        `embed: the token was not issued for the origin ${JSON.stringify(String(origin).slice(0, 100))}`,
        'origin',
      );
    return p;
  }

  /** Why a token that resolves to no principal is refused. */
  private refusal(rec: EmbedTokenRecord): EmbedTokenError {
    if (rec.revokedAt) return new EmbedTokenError('embed: the token has been revoked', 'revoked');
    if (Date.parse(rec.expiresAt) <= Date.now()) return new EmbedTokenError('embed: the token has expired', 'expired');
    return new EmbedTokenError('embed: the API key that issued the token has been revoked', 'revoked');
  }

  /** The token's principal now (null when revoked, expired, or its key revoked); cached for 2 s. */
  async resolve(id: number): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now && (hit.p === null || Date.parse(hit.rec.expiresAt) > now)) return hit.p;
    const rec = await this.repo.byId(id);
    if (!rec) return null;
    const key = await this.accounts.apiKey(rec.apiKeyId);
    const p =
      key && !key.revokedAt && !rec.revokedAt && Date.parse(rec.expiresAt) > now ? embedPrincipal(key, rec) : null;
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(id, { p, rec, until: now + CACHE_MS });
    if (p && !this.expiries.has(id) && this.expiries.size < 10_000) {
      const t = setTimeout(() => this.expired(id), Date.parse(rec.expiresAt) - now + 50);
      t.unref();
      this.expiries.set(id, t);
    }
    return p;
  }

  /** A token lapsed: forgotten, and whoever re-checks principals is told (its sockets close, its streams end). */
  private expired(id: number): void {
    this.expiries.delete(id);
    this.cache.delete(id);
    for (const l of this.revokedListeners) l();
  }

  /** Stops the expiry timers. Idempotent. */
  close(): void {
    for (const t of this.expiries.values()) clearTimeout(t);
    this.expiries.clear();
  }

  /**
   * The origins that may frame a page showing token `token`: its own (within its key's) whether or not it is still
   * valid, so an expired or revoked token's page can say why inside the host's frame; [] for anything else.
   */
  async framingOrigins(token: string): Promise<string[]> {
    const m = TOKEN_RE.exec(token);
    const rec = m ? await this.repo.byPrefix(m[1]!) : null;
    if (!rec) return [];
    const presented = Buffer.from(sha256(token));
    if (!timingSafeEqual(presented, Buffer.from(rec.tokenHash.padEnd(presented.length).slice(0, presented.length))))
      return [];
    const key = await this.accounts.apiKey(rec.apiKeyId);
    return rec.origins.filter((o) => key?.origins.includes(o));
  }

  /** What the token is, for its widget. */
  session(p: Principal): EmbedSession {
    if (!p.embed) throw new NotFoundError('embed: this credential is not an embed token');
    const { label, actions, origins, expiresAt } = p.embed;
    return { label, actions: [...actions], origins: [...origins], expiresAt };
  }

  /** Forgets cached principals (an API key was revoked) and re-reads the allowed origins. */
  async invalidate(): Promise<void> {
    this.cache.clear();
    await this.reloadOrigins();
  }

  /** Revokes token `id`: by the key that issued it, or an admin who manages that key's department's keys. */
  async revoke(p: Principal, id: number, ip: string): Promise<EmbedToken> {
    const rec = await this.repo.byId(id);
    const key = rec ? await this.accounts.apiKey(rec.apiKeyId) : null;
    if (!rec || !key || !this.mayManage(p, key)) throw new NotFoundError(`embed token ${id} not found`);
    const done = (await this.repo.revoke(id)) ?? rec;
    await this.revoked(p, ip, 'embed.revoke', id, { label: rec.label });
    return publicEmbedToken(done);
  }

  /** Revokes every token of API key `keyId` (the key itself, or an admin of its department). Returns how many. */
  async revokeOfKey(p: Principal, keyId: number, ip: string): Promise<{ revoked: number }> {
    const key = await this.accounts.apiKey(keyId);
    if (!key || !this.mayManage(p, key)) throw new NotFoundError(`API key ${keyId} not found`);
    const revoked = await this.repo.revokeOfKey(keyId);
    await this.revoked(p, ip, 'embed.revoke-key', keyId, { revoked });
    return { revoked };
  }

  /** Active tokens of API key `keyId`, for the key itself or an admin of its department. */
  async activeOfKey(p: Principal, keyId: number): Promise<EmbedToken[]> {
    const key = await this.accounts.apiKey(keyId);
    if (!key || !this.mayManage(p, key)) throw new NotFoundError(`API key ${keyId} not found`);
    return (await this.repo.activeOfKey(keyId)).map(publicEmbedToken);
  }

  private mayManage(p: Principal, key: ApiKeyRecord): boolean {
    return (p.kind === 'apikey' && p.id === key.id) || inDepartment(p, 'apikey-manage', key.departmentId);
  }

  private async revoked(p: Principal, ip: string, action: string, targetId: number, detail: Record<string, unknown>) {
    this.cache.clear();
    for (const l of this.revokedListeners) l();
    await this.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      action,
      targetType: action === 'embed.revoke' ? 'embed' : 'apikey',
      targetId,
      ip,
      detail,
    });
  }
}

/**
 * An embed token's principal: an integrator of its key's department whose cameras are narrowed by the key's
 * scope and the token's, whose camera actions are the token's (among the key's), named after its end user.
 */
export function embedPrincipal(key: ApiKeyRecord, rec: EmbedTokenRecord): Principal {
  return {
    kind: 'embed',
    id: rec.id,
    name: `${rec.label} (apikey:${key.name})`,
    role: 'integrator',
    departmentId: key.departmentId,
    area: null,
    scopes: [],
    narrow: [key.cameraScope, rec.cameraScope],
    embed: {
      tokenId: rec.id,
      keyId: key.id,
      label: rec.label,
      actions: rec.actions.filter((a) => key.embedActions.includes(a)),
      origins: rec.origins.filter((o) => key.origins.includes(o)),
      expiresAt: rec.expiresAt,
    },
  };
}
