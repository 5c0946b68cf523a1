// Open stream sessions: the WebSockets and HLS requests of each stream call, idle close, and the audited close with duration.
import type { AuditRepo } from '../db/audit-repo';
import type { Principal } from '../auth/policy';
import { LIVE_CLOSE } from './live-protocol';

/** A WebSocket viewer as a session sees it: closed with a protocol close code when the session ends. */
export interface SessionViewer {
  end(code: number, reason: string): void;
}

/** One stream session: opened by a stream call, used by its HLS requests and WebSockets, closed once (audited). */
export interface StreamSession {
  readonly id: string;
  readonly principal: Principal;
  readonly cameraId: string;
  readonly profile: 'main' | 'sub';
  key: string;
  openedAt: number;
  lastSeen: number;
  ip: string;
  reason: string;
  /** Open WebSockets: while there is one, the session never idles out. */
  readonly viewers: Set<SessionViewer>;
  /** Transports the session served, for the close's audit. */
  readonly transports: Set<'hls' | 'ws'>;
}

export interface StreamSessionsOptions {
  /** A session without WebSocket and without HLS request for this long is closed ('viewer left'). */
  idleCloseS: number;
  /** Where failures nobody waits for go (an audit entry that could not be written). Default: stderr. */
  log?: (msg: string) => void;
}

export function actorOf(p: Principal): {
  actorType: Principal['kind'];
  actorId: number;
  actorName: string;
  departmentId: number | null;
} {
  return { actorType: p.kind, actorId: p.id, actorName: p.name, departmentId: p.departmentId };
}

/** The close code a session's WebSockets get for the reason it ends. */
function closeCodeOf(reason: string): number {
  return reason === 'gateway stopped' ? LIVE_CLOSE.goingAway : LIVE_CLOSE.accessWithdrawn;
}

export class StreamSessions {
  private readonly map = new Map<string, StreamSession>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditRepo,
    private readonly opts: StreamSessionsOptions,
  ) {}

  /** Starts the idle sweep (every 2 s). */
  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), 2000);
    this.sweeper.unref();
  }

  get(id: string): StreamSession | undefined {
    return this.map.get(id);
  }

  add(s: StreamSession): void {
    this.map.set(s.id, s);
  }

  get size(): number {
    return this.map.size;
  }

  all(): StreamSession[] {
    return [...this.map.values()];
  }

  /** A WebSocket joins its session (the session no longer idles out); false when the session closed. */
  join(session: StreamSession, viewer: SessionViewer): boolean {
    if (this.map.get(session.id) !== session) return false;
    session.viewers.add(viewer);
    session.transports.add('ws');
    session.lastSeen = Date.now();
    return true;
  }

  /** A WebSocket left: the last one closes the session (audited with its duration). */
  async leave(session: StreamSession, viewer: SessionViewer, reason: string): Promise<void> {
    if (!session.viewers.delete(viewer) || session.viewers.size > 0) return;
    session.lastSeen = Date.now();
    await this.close(session, reason);
  }

  /**
   * Closes a session once: its WebSockets get `code` (4403 by default, 1001 when the gateway stops),
   * and `stream.close` is audited with the reason, the duration and the transport ('ws' when a
   * WebSocket served it, else 'hls'). An audit write that fails is logged, not thrown.
   */
  async close(s: StreamSession, reason: string, code: number = closeCodeOf(reason)): Promise<void> {
    if (!this.map.delete(s.id)) return;
    const end = Math.max(s.viewers.size > 0 ? Date.now() : s.lastSeen, s.openedAt);
    for (const v of [...s.viewers]) v.end(code, reason);
    s.viewers.clear();
    await this.audit
      .append({
        ...actorOf(s.principal),
        action: 'stream.close',
        targetType: 'camera',
        targetId: s.cameraId,
        ip: s.ip,
        detail: {
          profile: s.profile,
          session: s.id,
          reason,
          durationS: Math.round((end - s.openedAt) / 100) / 10,
          transport: s.transports.has('ws') ? 'ws' : 'hls',
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
    const now = Date.now();
    const cutoff = now - this.opts.idleCloseS * 1000;
    for (const s of this.all()) {
      if (s.viewers.size > 0) s.lastSeen = now;
      else if (s.lastSeen < cutoff) await this.close(s, 'viewer left');
    }
  }

  /** Stops the sweep and closes every session ('gateway stopped', WebSockets 1001). */
  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const s of this.all()) await this.close(s, 'gateway stopped', LIVE_CLOSE.goingAway);
  }
}
