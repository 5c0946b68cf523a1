// Stream calls: policy → audit → supervisor.acquire → signed playlist URL; per-request re-checks; audited close.
import { randomUUID } from 'node:crypto';
import type { CameraRecord } from '../db/cameras-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { TokenService, StreamClaims } from '../auth/tokens';
import { TokenError } from '../auth/tokens';
import type { PolicyCamera, Principal } from '../auth/policy';
import { TranscoderCapacityError, TranscoderInputError, TranscoderStartError } from '../../transcoder/errors';
import { AddressPolicyError, AuthenticationError, ForbiddenError, NotFoundError, ValidationError } from '../errors';

/** What the stream service needs of the transcoder supervisor (declared here, STYLE §5). */
export interface StreamBackend {
  acquire(spec: {
    cameraId: string;
    profile: 'main' | 'sub';
    url: string;
    codec: string;
    passthroughH265?: boolean;
    audioCodec?: string | null;
    username?: string;
    password?: string;
  }): Promise<{ key: string; started: boolean }>;
  touch(key: string): boolean;
  resolveFile(key: string, name: string): string | null;
  stop(key: string, reason?: string): Promise<void>;
}

/** Camera facts the service needs. */
export interface StreamCameras {
  /** Policy-checked record (throws NotFound/Forbidden). */
  record(p: Principal, id: string, action: 'view'): Promise<CameraRecord>;
  credentials(cam: CameraRecord): { username: string; password: string } | null;
  /** Throws (AddressPolicyError) when the gateway may no longer connect to the camera's addresses. */
  assertReach(cam: CameraRecord): Promise<void>;
  /** In-memory position/department/tags for per-request re-checks; undefined once deleted. */
  lookup(id: string): PolicyCamera | undefined;
  requireReason(departmentId: number): Promise<boolean>;
}

export interface PrincipalResolver {
  /** The current principal behind "u:<id>" / "k:<id>", or null when disabled/revoked/unknown. */
  resolve(sub: string): Promise<Principal | null>;
}

interface Session {
  id: string;
  principal: Principal;
  cameraId: string;
  profile: 'main' | 'sub';
  key: string;
  openedAt: number;
  lastSeen: number;
  ip: string;
  reason: string;
}

export interface OpenRequest {
  profile: 'main' | 'sub';
  reason?: string | undefined;
  incidentId?: string | undefined;
  h265?: boolean | undefined;
  /** Renew an open session (same principal, camera, profile) instead of starting a new one. */
  sessionId?: string | undefined;
}

export interface OpenResult {
  url: string;
  sessionId: string;
  expiresAt: string;
  started: boolean;
}

const principalKey = (p: Principal): string => `${p.kind === 'user' ? 'u' : 'k'}:${p.id}`;

export class StreamService {
  private readonly sessions = new Map<string, Session>();
  /** Refused HLS requests already audited: token (or address|camera|cause) → when. */
  private readonly refusalsAudited = new Map<string, number>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly backend: StreamBackend,
    private readonly cameras: StreamCameras,
    private readonly principals: PrincipalResolver,
    private readonly access: AccessControl,
    private readonly tokens: TokenService,
    private readonly audit: AuditRepo,
    private readonly opts: {
      streamTtlS: number;
      idleCloseS: number;
      /** Where failures nobody waits for go (an audit entry that could not be written). Default: stderr. */
      log?: (msg: string) => void;
    },
  ) {}

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), 2000);
    this.sweeper.unref();
  }

  /**
   * Opens (or renews) a stream session and returns its signed playlist URL. A refusal — by the
   * policy, by the department's reason rule, by the node's capacity, or a source address refused
   * at play time — is audited (`stream.open`, outcome denied, detail.refusedBy and the reason) and rethrown.
   */
  async open(p: Principal, cameraId: string, req: OpenRequest, ip: string): Promise<OpenResult> {
    try {
      return await this.openChecked(p, cameraId, req, ip);
    } catch (err) {
      const refusedBy = refusalOf(err);
      if (refusedBy) {
        await this.audit.append({
          actorType: p.kind,
          actorId: p.id,
          actorName: p.name,
          departmentId: p.departmentId,
          action: 'stream.open',
          targetType: 'camera',
          targetId: cameraId,
          outcome: 'denied',
          ip,
          detail: {
            profile: req.profile,
            refusedBy,
            reason: (err as Error).message,
            ...(req.reason ? { callReason: req.reason } : {}),
          },
        });
      }
      throw err;
    }
  }

  private async openChecked(p: Principal, cameraId: string, req: OpenRequest, ip: string): Promise<OpenResult> {
    const cam = await this.cameras.record(p, cameraId, 'view');
    // its network's CIDRs may have shrunk since registration
    await this.cameras.assertReach(cam);
    const uri = req.profile === 'sub' ? (cam.subUri ?? cam.mainUri) : cam.mainUri;
    if (!uri)
      throw new ValidationError(`stream: camera ${cameraId} has no ${req.profile} stream URI`, [
        { path: 'body.profile', message: 'no such stream' },
      ]);
    if (!req.reason && (await this.cameras.requireReason(cam.departmentId)))
      throw new ValidationError('stream: this department requires a reason or incident id for every stream call', [
        { path: 'body.reason', message: 'required by the department' },
      ]);
    const info = (req.profile === 'sub' ? cam.streams.sub : cam.streams.main) ?? cam.streams.main;
    const creds = this.cameras.credentials(cam);
    let renewed = req.sessionId ? this.sessions.get(req.sessionId) : undefined;
    if (
      renewed &&
      (renewed.principal.kind !== p.kind ||
        renewed.principal.id !== p.id ||
        renewed.cameraId !== cam.id ||
        renewed.profile !== req.profile)
    )
      renewed = undefined;
    let acquired: { key: string; started: boolean };
    try {
      acquired = await this.backend.acquire({
        cameraId: cam.id,
        profile: req.profile,
        url: uri,
        codec: info?.codec ?? 'h264',
        passthroughH265: req.h265 === true,
        audioCodec: info?.audio ?? null,
        ...(creds ? { username: creds.username, password: creds.password } : {}),
      });
    } catch (err) {
      // audited here; its status (503 + Retry-After) is decided by the HTTP layer's error mapping
      if (err instanceof TranscoderStartError)
        await this.audit.append({
          actorType: p.kind,
          actorId: p.id,
          actorName: p.name,
          departmentId: p.departmentId,
          action: 'stream.open',
          targetType: 'camera',
          targetId: cam.id,
          outcome: 'failed',
          ip,
          detail: { profile: req.profile, error: err.message },
        });
      throw err;
    }
    const now = Date.now();
    const session: Session = renewed ?? {
      id: randomUUID(),
      principal: p,
      cameraId: cam.id,
      profile: req.profile,
      key: acquired.key,
      openedAt: now,
      lastSeen: now,
      ip,
      reason: req.reason ?? '',
    };
    session.lastSeen = now;
    if (!renewed) {
      this.sessions.set(session.id, session);
      await this.audit.append({
        actorType: p.kind,
        actorId: p.id,
        actorName: p.name,
        departmentId: p.departmentId,
        action: 'stream.open',
        targetType: 'camera',
        targetId: cam.id,
        ip,
        detail: {
          profile: req.profile,
          session: session.id,
          reason: req.reason ?? null,
          incidentId: req.incidentId ?? null,
          cold: acquired.started,
        },
      });
    }
    const token = this.tokens.signStream({ sub: principalKey(p), cam: cam.id, prof: req.profile, ssid: session.id });
    return {
      url: `/hls/${token}/${acquired.key}/index.m3u8`,
      sessionId: session.id,
      expiresAt: new Date(now + this.opts.streamTtlS * 1000).toISOString(),
      started: acquired.started,
    };
  }

  /**
   * Authorizes one playlist/segment request and returns the file's absolute path (or null: 404).
   * Re-checks the token, the principal and the camera's visibility on every request.
   */
  async file(token: string, key: string, name: string, ip = ''): Promise<string | null> {
    let claims: StreamClaims | null = null;
    try {
      try {
        claims = this.tokens.verifyStream(token);
      } catch (err) {
        throw new AuthenticationError(err instanceof TokenError ? err.message : 'stream: token rejected');
      }
      return await this.fileChecked(claims, key, name);
    } catch (err) {
      const refused =
        err instanceof AuthenticationError || err instanceof ForbiddenError || err instanceof NotFoundError;
      if (refused) await this.auditTokenRefusal(token, claims, key, ip, err);
      throw err;
    }
  }

  /**
   * Audits a refused playlist/segment request once per token (a player retries every second), and
   * once a minute per address, camera and cause for tokens that do not verify (anyone can send those).
   */
  private async auditTokenRefusal(
    token: string,
    claims: StreamClaims | null,
    key: string,
    ip: string,
    err: Error,
  ): Promise<void> {
    const refusedBy =
      err instanceof AuthenticationError || err.message.startsWith('stream: token') ? 'token' : 'policy';
    const cameraId = key.split('.')[0] ?? key;
    const dedupe = claims ? `t|${token}` : `a|${ip}|${cameraId}|${refusedBy}`;
    const now = Date.now();
    const last = this.refusalsAudited.get(dedupe);
    if (last !== undefined && (claims || now - last < 60_000)) return;
    if (this.refusalsAudited.size >= 10_000) this.refusalsAudited.clear();
    this.refusalsAudited.set(dedupe, now);
    const m = claims ? /^([uk]):(\d+)$/.exec(claims.sub) : null;
    const name = m ? ((await this.principals.resolve(claims!.sub).catch(() => null))?.name ?? claims!.sub) : '';
    const kind = m?.[1] === 'u' ? ('user' as const) : ('apikey' as const);
    const who = m ? { actorType: kind, actorId: m[2]!, actorName: name } : { actorType: 'anonymous' as const };
    const detail = {
      profile: key.split('.')[1] ?? null,
      refusedBy,
      reason: err.message,
      ...(claims ? { session: claims.ssid } : {}),
    };
    await this.audit
      .append({
        ...who,
        action: 'stream.open',
        targetType: 'camera',
        targetId: cameraId,
        outcome: 'denied',
        ip,
        detail,
      })
      .catch(() => undefined);
  }

  private async fileChecked(claims: StreamClaims, key: string, name: string): Promise<string | null> {
    if (key !== `${claims.cam}.${claims.prof}`)
      throw new ForbiddenError('stream: token is for another camera or profile');
    const found = this.sessions.get(claims.ssid);
    const session =
      found &&
      principalKey(found.principal) === claims.sub &&
      found.cameraId === claims.cam &&
      found.profile === claims.prof
        ? found
        : undefined;
    const principal = await this.principals.resolve(claims.sub);
    const cam = this.cameras.lookup(claims.cam);
    if (!principal || !cam || !this.access.can(principal, 'view', cam)) {
      if (session) await this.close(session, principal ? 'access revoked' : 'principal disabled');
      if (!cam) throw new NotFoundError(`camera ${claims.cam} not found`);
      throw new ForbiddenError('stream: access to this camera was withdrawn');
    }
    // a signed token is only as good as the stream session it names: one this gateway opened and
    // has not closed, for the same principal, camera and profile
    if (!session)
      throw new AuthenticationError(
        `stream: stream session ${JSON.stringify(claims.ssid.slice(0, 40))} is unknown or closed`,
      );
    session.lastSeen = Date.now();
    let path = this.backend.resolveFile(key, name);
    if (!path && name === 'index.m3u8') {
      // the worker idled out while this viewer was paused: start it again for the same session
      const r = await this.open(
        principal,
        claims.cam,
        { profile: claims.prof as 'main' | 'sub', sessionId: session.id },
        session.ip,
      );
      path = this.backend.resolveFile(r.url.split('/')[3] ?? key, name);
    }
    if (path) this.backend.touch(key);
    return path;
  }

  /** Closes sessions of a camera (deleted or edited): audited, worker stopped. */
  async stopCamera(cameraId: string, reason: string): Promise<void> {
    for (const s of [...this.sessions.values()]) if (s.cameraId === cameraId) await this.close(s, reason);
    await Promise.all((['main', 'sub'] as const).map((p) => this.backend.stop(`${cameraId}.${p}`, reason)));
  }

  /** Re-checks every open session against the current policy (after a share is revoked). */
  async recheck(): Promise<void> {
    for (const s of [...this.sessions.values()]) {
      const p = await this.principals.resolve(principalKey(s.principal));
      const cam = this.cameras.lookup(s.cameraId);
      if (!p || !cam || !this.access.can(p, 'view', cam)) await this.close(s, 'access revoked');
    }
  }

  openSessions(): number {
    return this.sessions.size;
  }

  private async close(s: Session, reason: string): Promise<void> {
    if (!this.sessions.delete(s.id)) return;
    const p = s.principal;
    await this.audit
      .append({
        actorType: p.kind,
        actorId: p.id,
        actorName: p.name,
        departmentId: p.departmentId,
        action: 'stream.close',
        targetType: 'camera',
        targetId: s.cameraId,
        ip: s.ip,
        detail: {
          profile: s.profile,
          session: s.id,
          reason,
          durationS: Math.round((Math.max(s.lastSeen, s.openedAt) - s.openedAt) / 100) / 10,
        },
      })
      .catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        this.logError(
          `stream: the audit entry of closing session ${s.id} (camera ${s.cameraId}, ${reason}) was not written: ${why}`,
        );
      });
  }

  private logError(msg: string): void {
    if (this.opts.log) this.opts.log(msg);
    else process.stderr.write(`[error] ${msg}\n`);
  }

  private async sweep(): Promise<void> {
    const cutoff = Date.now() - this.opts.idleCloseS * 1000;
    for (const s of [...this.sessions.values()]) if (s.lastSeen < cutoff) await this.close(s, 'viewer left');
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const s of [...this.sessions.values()]) await this.close(s, 'gateway stopped');
  }
}

/**
 * Why a stream call was refused, for the audit: 'policy' (camera invisible or not allowed),
 * 'reason-required' (the department wants a reason), 'capacity' (node full), 'address' (the source
 * URI was refused at play time); null for anything else (bad input, camera failure, bugs).
 */
export function refusalOf(err: unknown): 'policy' | 'reason-required' | 'capacity' | 'address' | null {
  if (err instanceof ForbiddenError || err instanceof NotFoundError) return 'policy';
  if (err instanceof ValidationError && err.issues.some((i) => i.path === 'body.reason')) return 'reason-required';
  if (err instanceof TranscoderCapacityError) return 'capacity';
  if (err instanceof TranscoderInputError || err instanceof AddressPolicyError) return 'address';
  return null;
}
