// Opening a stream call: reach and reason checks, backend acquire, the session and its audit entry, signed URLs.
import { streamUrl } from '../cameras/stream-url';
import { randomUUID } from 'node:crypto';
import type { AuditRepo } from '../db/audit-repo';
import type { TokenService } from '../auth/tokens';
import { principalKey, type Principal } from '../auth/policy';
import { TranscoderStartError } from '../../transcoder/errors';
import { ValidationError } from '../errors';
import type { Acquired, StreamBackend } from './stream-backend';
import { actorOf as actor, type StreamSession, type StreamSessions } from './stream-sessions';
import type { OpenRequest, OpenResult, StreamCameras } from './stream-service';

export class StreamOpener {
  constructor(
    private readonly backend: StreamBackend,
    private readonly cameras: StreamCameras,
    private readonly sessions: StreamSessions,
    private readonly tokens: TokenService,
    private readonly audit: AuditRepo,
    private readonly opts: {
      streamTtlS: number;
      /** Cluster: this node's name, signed into stream tokens (a viewer reaching another node is forwarded here). */
      node?: string;
    },
  ) {}

  /**
   * Opens (or renews) a stream session and returns its signed URLs. Refusals are thrown; the
   * service audits them (a start failure of the backend is audited here, as failed).
   */
  async open(p: Principal, cameraId: string, req: OpenRequest, ip: string): Promise<OpenResult> {
    const cam = await this.cameras.record(p, cameraId, 'view');
    // its network's CIDRs may have shrunk since registration; the department's reason rule: both read
    // at once (they are independent), both must pass before anything is spawned, reach refusals first
    const [reach, reasonRule] = await Promise.allSettled([
      this.cameras.assertReach(cam),
      req.reason ? Promise.resolve(false) : this.cameras.requireReason(cam.departmentId),
    ]);
    if (reach.status === 'rejected') throw reach.reason;
    const uri = streamUrl(cam, req.profile, true);
    if (!uri)
      throw new ValidationError(`stream: camera ${cameraId} has no ${req.profile} stream URI`, [
        { path: 'body.profile', message: 'no such stream' },
      ]);
    if (reasonRule.status === 'rejected') throw reasonRule.reason;
    if (reasonRule.value)
      throw new ValidationError('stream: this department requires a reason or incident id for every stream call', [
        { path: 'body.reason', message: 'required by the department' },
      ]);
    const info = (req.profile === 'sub' ? cam.streams.sub : cam.streams.main) ?? cam.streams.main;
    const creds = this.cameras.credentials(cam);
    let renewed = req.sessionId ? this.sessions.get(req.sessionId) : undefined;
    if (
      renewed &&
      (principalKey(renewed.principal) !== principalKey(p) ||
        renewed.cameraId !== cam.id ||
        renewed.profile !== req.profile)
    )
      renewed = undefined;
    let acquired: Acquired;
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
          ...actor(p),
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
    const session: StreamSession = renewed ?? {
      id: randomUUID(),
      principal: p,
      cameraId: cam.id,
      profile: req.profile,
      key: acquired.key,
      openedAt: now,
      lastSeen: now,
      ip,
      reason: req.reason ?? '',
      viewers: new Set(),
      transports: new Set(),
    };
    session.lastSeen = now;
    session.key = acquired.key;
    if (!renewed) {
      this.sessions.add(session);
      await this.audit.append({
        ...actor(p),
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
          codec: acquired.codec,
          transcoded: acquired.transcoded,
        },
      });
    }
    const claims = { sub: principalKey(p), cam: cam.id, prof: req.profile, ssid: session.id };
    const token = this.tokens.signStream(this.opts.node ? { ...claims, node: this.opts.node } : claims);
    return {
      url: `/hls/${token}/${acquired.key}/index.m3u8`,
      live: `/live/${token}/${acquired.key}`,
      replay: `/live/${token}/${acquired.key}/replay.mp4`,
      sessionId: session.id,
      expiresAt: new Date(now + this.opts.streamTtlS * 1000).toISOString(),
      started: acquired.started,
      codec: acquired.codec,
      transcoded: acquired.transcoded,
    };
  }
}
