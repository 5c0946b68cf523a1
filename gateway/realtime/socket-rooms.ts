// Which rooms each socket of the realtime hub is in: those the policy names for its principal, kept up to date.
import { AreaKeys } from './area-keys';
import type { HubSocket } from './hub-socket';
import type { RealtimeDeps } from './realtime-deps';
import { CAMERA_EVENT_ACTIONS, EVENT_ACTIONS, RECORD_EVENTS } from './server-events';

/**
 * The sockets' room membership: recomputed when the shares change (invalidate) or one expires
 * (fresh), and when users or API keys change (refreshPrincipals).
 */
export class SocketRooms {
  readonly areas = new AreaKeys();
  /** Epoch ms after which the sockets' rooms must be recomputed before the next delivery (at first: now). */
  private roomsUntil = -Infinity;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  /** Counts refreshPrincipals() calls: a socket authenticated across one may hold a stale principal. */
  principalsVersion = 0;

  constructor(
    /** The hub's connected sockets, by id. */
    private readonly sockets: ReadonlyMap<string, HubSocket>,
    private readonly deps: Pick<RealtimeDeps, 'policy' | 'reauthenticate'>,
    /** True once the hub is closed: no refresh runs on after it. */
    private readonly closed: () => boolean,
  ) {}

  /** Puts the socket in exactly the rooms the policy names for its principal now. */
  join(socket: HubSocket): void {
    const p = socket.data.principal;
    const policy = this.deps.policy;
    const old = socket.data.areaKey;
    const scope = policy.roomScope(p);
    const areaKey = scope ? this.areas.acquire(scope) : null;
    const want = new Set<string>();
    for (const action of CAMERA_EVENT_ACTIONS)
      for (const r of policy.principalRooms(p, action, areaKey ?? undefined)) want.add(r);
    for (const e of RECORD_EVENTS) for (const r of policy.scopeRooms(p, EVENT_ACTIONS[e])) want.add(r);
    for (const r of policy.screenRooms(p)) want.add(r);
    for (const r of [...socket.rooms]) if (r !== socket.id && !want.has(r)) socket.leave(r);
    socket.join([...want]);
    socket.data.areaKey = areaKey;
    if (old !== null) this.areas.release(old);
  }

  /** A socket disconnected: the area key it held is released. */
  leave(socket: HubSocket): void {
    if (socket.data.areaKey !== null) this.areas.release(socket.data.areaKey);
    socket.data.areaKey = null;
  }

  /** Every socket's rooms again (the shares changed, or one expired). */
  rejoinAll(): void {
    this.roomsUntil = this.deps.policy.roomsValidUntil();
    for (const s of this.sockets.values()) this.join(s);
  }

  /** Recomputes the rooms when a share has expired since they were computed: expiry needs no reload. */
  fresh(): void {
    if (Date.now() >= this.roomsUntil) this.rejoinAll();
  }

  /**
   * Users or API keys changed: each socket's principal is read again and its rooms recomputed; the
   * socket of a disabled user or revoked key is disconnected. Resolves when every socket is done.
   */
  refreshPrincipals(): Promise<void> {
    this.principalsVersion++;
    this.refreshAgain = true;
    this.refreshing ??= this.refreshLoop();
    return this.refreshing;
  }

  private async refreshLoop(): Promise<void> {
    // first let refreshPrincipals() record this run, so the `finally` below cannot run before it
    await null;
    try {
      while (this.refreshAgain && !this.closed()) {
        this.refreshAgain = false;
        const bySubject = new Map<string, HubSocket[]>();
        for (const s of this.sockets.values()) {
          const sub = `${s.data.principal.kind}:${s.data.principal.id}`;
          const same = bySubject.get(sub);
          if (same) same.push(s);
          else bySubject.set(sub, [s]);
        }
        for (const sockets of bySubject.values()) {
          // a failed read (database unreachable) keeps the principal as it was
          const now = await this.deps.reauthenticate(sockets[0]!.data.principal).catch(() => undefined);
          for (const s of sockets) {
            if (!s.connected || now === undefined) continue;
            if (now === null) s.disconnect(true);
            else {
              s.data.principal = now;
              s.data.version = this.principalsVersion;
              this.join(s);
            }
          }
        }
      }
    } finally {
      this.refreshing = null;
    }
  }
}
