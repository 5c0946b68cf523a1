// Stream calls: policy → audit → backend.acquire → signed URLs (HLS, WebSocket, replay); per-request re-checks; audited close.
import type { CameraRecord } from '../db/cameras-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { TokenService, StreamClaims } from '../auth/tokens';
import { TokenError } from '../auth/tokens';
import { principalKey, type PolicyCamera, type Principal } from '../auth/policy';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../errors';
import type { StreamBackend } from './stream-backend';
import { isTokenRefusal, RefusalAudit, refusalOf } from './refusal-audit';
import { StreamOpener } from './stream-opener';
import { actorOf as actor, StreamSessions, type SessionViewer, type StreamSession } from './stream-sessions';

export type { StreamBackend } from './stream-backend';
export { refusalOf } from './refusal-audit';
export type { SessionViewer, StreamSession } from './stream-sessions';

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

export interface OpenRequest {
  profile: 'main' | 'sub';
  reason?: string | undefined;
  incidentId?: string | undefined;
  h265?: boolean | undefined;
  /** Renew an open session (same principal, camera, profile) instead of starting a new one. */
  sessionId?: string | undefined;
}

export interface OpenResult {
  /** HLS playlist. */
  url: string;
  /** WebSocket path of the low-latency live stream. */
  live: string;
  /** Instant replay (fragmented MP4 of the last seconds). */
  replay: string;
  sessionId: string;
  expiresAt: string;
  started: boolean;
  codec: 'h264' | 'h265';
  transcoded: boolean;
}

/** A request that passed every check: its session and current principal. */
export interface StreamGrant {
  session: StreamSession;
  principal: Principal;
  key: string;
}

export class StreamService {
  private readonly sessions: StreamSessions;
  private readonly refusals: RefusalAudit;
  private readonly opener: StreamOpener;

  constructor(
    readonly backend: StreamBackend,
    private readonly cameras: StreamCameras,
    private readonly principals: PrincipalResolver,
    private readonly access: AccessControl,
    private readonly tokens: TokenService,
    private readonly audit: AuditRepo,
    opts: {
      streamTtlS: number;
      idleCloseS: number;
      /** Where failures nobody waits for go (an audit entry that could not be written). Default: stderr. */
      log?: (msg: string) => void;
      /** Cluster: this node's name, signed into stream tokens (a viewer reaching another node is forwarded here). */
      node?: string;
    },
  ) {
    this.refusals = new RefusalAudit(audit, principals);
    this.sessions = new StreamSessions(audit, opts);
    this.opener = new StreamOpener(backend, cameras, this.sessions, tokens, audit, opts);
  }

  start(): void {
    this.sessions.start();
  }

  /**
   * Opens (or renews) a stream session and returns its signed URLs. A refusal — by the policy, by
   * the department's reason rule, by the node's capacity, or a source address refused at play time —
   * is audited (`stream.open`, outcome denied, detail.refusedBy and the reason) and rethrown.
   */
  async open(p: Principal, cameraId: string, req: OpenRequest, ip: string): Promise<OpenResult> {
    try {
      return await this.opener.open(p, cameraId, req, ip);
    } catch (err) {
      const refusedBy = refusalOf(err);
      if (refusedBy) {
        await this.audit.append({
          ...actor(p),
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

  /**
   * Checks one request carrying a stream token (playlist, segment, WebSocket upgrade, replay): the
   * token's signature and expiry, the key against the token's camera and profile, the principal and
   * the camera's current visibility, and the stream session it names. Refusals are audited and thrown
   * (AuthenticationError 401, ForbiddenError 403, NotFoundError 404).
   */
  async authorize(token: string, key: string, ip: string, transport: 'hls' | 'ws' | 'replay'): Promise<StreamGrant> {
    let claims: StreamClaims | null = null;
    try {
      try {
        claims = this.tokens.verifyStream(token);
      } catch (err) {
        throw new AuthenticationError(err instanceof TokenError ? err.message : 'stream: token rejected');
      }
      return await this.authorizeClaims(claims, key);
    } catch (err) {
      if (isTokenRefusal(err)) await this.refusals.record(token, claims, key, ip, err, transport);
      throw err;
    }
  }

  private async authorizeClaims(claims: StreamClaims, key: string): Promise<StreamGrant> {
    const base = `${claims.cam}.${claims.prof}`;
    if (key !== base && key !== `${base}.h264`)
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
      if (session) await this.sessions.close(session, principal ? 'access revoked' : 'principal disabled');
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
    return { session, principal, key };
  }

  /**
   * Starts the output again for a granted request when it stopped (idled out while the viewer was
   * paused, or a reconnect after the last viewer left): same session, no new audit entry.
   */
  async ensureRunning(grant: StreamGrant): Promise<void> {
    const { session, principal, key } = grant;
    if (this.backend.hub(key)) return;
    const r = await this.open(
      principal,
      session.cameraId,
      { profile: session.profile, sessionId: session.id, h265: !key.endsWith('.h264') },
      session.ip,
    );
    if (!r.live.endsWith(`/${key}`)) throw new NotFoundError(`stream: no output ${key} for this camera`);
  }

  /** A WebSocket joins its session (the session no longer idles out); false when the session closed. */
  join(session: StreamSession, viewer: SessionViewer): boolean {
    return this.sessions.join(session, viewer);
  }

  /** A WebSocket left: the last one closes the session (audited with its duration). */
  leave(session: StreamSession, viewer: SessionViewer, reason: string): Promise<void> {
    return this.sessions.leave(session, viewer, reason);
  }

  /** Marks an HLS request on the session. */
  sawHls(session: StreamSession): void {
    session.transports.add('hls');
    this.backend.touch(session.key);
  }

  /** Closes sessions of a camera (deleted or edited): audited, worker stopped. */
  async stopCamera(cameraId: string, reason: string): Promise<void> {
    for (const s of this.sessions.all()) if (s.cameraId === cameraId) await this.sessions.close(s, reason);
    const keys = (['main', 'sub'] as const).flatMap((p) => [`${cameraId}.${p}.h264`, `${cameraId}.${p}`]);
    for (const k of keys) await this.backend.stop(k, reason);
  }

  /** Re-checks every open session (all: after a share change; live: the WebSockets' once-a-second check). */
  async recheck(only: 'all' | 'live' = 'all'): Promise<void> {
    for (const s of this.sessions.all()) {
      if (only === 'live' && s.viewers.size === 0) continue;
      const p = await this.principals.resolve(principalKey(s.principal));
      const cam = this.cameras.lookup(s.cameraId);
      if (!cam) await this.sessions.close(s, 'camera deleted');
      else if (!p) await this.sessions.close(s, 'principal disabled');
      else if (!this.access.can(p, 'view', cam)) await this.sessions.close(s, 'access revoked');
    }
  }

  openSessions(): number {
    return this.sessions.size;
  }

  /** Open sessions served over HLS and by no WebSocket now: HLS viewers (until their session idles out). */
  hlsViewers(): number {
    return this.sessions.all().filter((s) => s.viewers.size === 0 && s.transports.has('hls')).length;
  }

  /** Sessions with at least one open WebSocket. */
  liveSessions(): StreamSession[] {
    return this.sessions.all().filter((s) => s.viewers.size > 0);
  }

  closeAll(): Promise<void> {
    return this.sessions.closeAll();
  }
}
