// socket.io: authenticated on connect; camera status and changes, stream and recorder states, events, scan progress and
// alarms, each sent to the rooms the policy names for it, which the policy also chose for each socket; status batched.
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Principal } from '../auth/policy';
import { AreaKeys } from './area-keys';
import type {
  AlarmMessage,
  PtzControlMessage,
  CameraEventMessage,
  RecordingStateMessage,
  ScanProgressMessage,
  StatusChange,
  StreamStateMessage,
  WallScreenMessage,
} from './messages';
import type { RealtimeDeps } from './realtime-deps';
import {
  CAMERA_EVENT_ACTIONS,
  EVENT_ACTIONS,
  RECORD_EVENTS,
  type CameraEvent,
  type RecordEvent,
  type ServerEvents,
} from './server-events';

export type * from './messages';
export type { RealtimeDeps, RealtimePolicy } from './realtime-deps';
export { EVENT_ACTIONS, type ServerEvents } from './server-events';

interface SocketData {
  principal: Principal;
  /** Key of the principal's area scope in room names (AreaKeys), null without one. */
  areaKey: string | null;
  /** principalsVersion when the principal was read. */
  version: number;
}

type HubSocket = Socket<Record<string, never>, ServerEvents, PeerEvents, SocketData>;

/** Publications told to the other nodes of a cluster (the rest, camera changes and states, every node makes itself). */
const RELAYED = [
  'publishStreamState',
  'publishRecordingState',
  'publishEvent',
  'publishScan',
  'publishAlarm',
  'publishScreen',
  'publishPtzControl',
] as const;
type Relayed = (typeof RELAYED)[number];
interface PeerEvents {
  publish: (name: string, args: unknown[]) => void;
}

/*
 * Delivery is by room only: no per-socket check follows. Polygon shares and area scopes need no
 * final filter either, because the policy resolves them per share and per distinct area when it
 * names an event's rooms (policy-rooms.ts cameraRooms), so room membership alone is exact.
 * Every emit is guarded by a non-empty room list: socket.io reads to([]) as "every socket".
 */
export class Realtime {
  private readonly io: Server<Record<string, never>, ServerEvents, PeerEvents, SocketData>;
  /** True while a publication told by another node is delivered here (it is not told on). */
  private fromPeer = false;
  private readonly areas = new AreaKeys();
  private pending = new Map<string, StatusChange>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Epoch ms after which the sockets' rooms must be recomputed before the next delivery (at first: now). */
  private roomsUntil = -Infinity;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  /** Counts refreshPrincipals() calls: a socket authenticated across one may hold a stale principal. */
  private principalsVersion = 0;

  constructor(
    server: http.Server,
    private readonly deps: RealtimeDeps,
  ) {
    // other upgrades (/live/) are answered by the gateway's own upgrade listener, not ended by engine.io
    this.io = new Server(server, {
      path: '/socket.io',
      serveClient: false,
      cors: { origin: false },
      destroyUpgrade: false,
      ...(deps.adapter ? { adapter: deps.adapter } : {}),
    });
    if (deps.adapter) this.io.on('publish', (name, args) => this.fromOtherNode(name, args));
    this.io.use((socket, next) => {
      const version = this.principalsVersion;
      deps
        .authenticate(
          (socket.handshake.auth ?? {}) as Record<string, unknown>,
          socket.handshake.headers.origin,
          socket.handshake.headers.host,
        )
        .then((p) => {
          socket.data.principal = p;
          socket.data.areaKey = null;
          socket.data.version = version;
          next();
        })
        .catch((err: unknown) => next(new Error(err instanceof Error ? err.message : 'unauthorized')));
    });
    this.io.on('connection', (socket) => {
      this.fresh();
      // one page per screen: the same screen credential connecting again closes the older page. Not this socket:
      // fresh() may have put it in its rooms already (the first connection after a start, or after a share expired)
      const older = deps.policy
        .screenRooms(socket.data.principal)
        .flatMap((r) => [...(this.io.sockets.adapter.rooms.get(r) ?? [])])
        .filter((id) => id !== socket.id);
      this.join(socket);
      for (const id of older) this.closeScreenSocket(id, socket.data.principal, 'replaced');
      if (socket.data.version !== this.principalsVersion) void this.refreshPrincipals();
      socket.on('disconnect', () => {
        if (socket.data.areaKey !== null) this.areas.release(socket.data.areaKey);
        socket.data.areaKey = null;
      });
    });
  }

  /** Puts the socket in exactly the rooms the policy names for its principal now. */
  private join(socket: HubSocket): void {
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

  /** Every socket's rooms again (the shares changed, or one expired). */
  private rejoinAll(): void {
    this.roomsUntil = this.deps.policy.roomsValidUntil();
    for (const s of this.io.sockets.sockets.values()) this.join(s);
  }

  /** Recomputes the rooms when a share has expired since they were computed: expiry needs no reload. */
  private fresh(): void {
    if (Date.now() >= this.roomsUntil) this.rejoinAll();
  }

  /** Shares changed: every socket's rooms are recomputed now, before the next event goes out. */
  invalidate(): void {
    this.rejoinAll();
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
      while (this.refreshAgain && !this.closed) {
        this.refreshAgain = false;
        const bySubject = new Map<string, HubSocket[]>();
        for (const s of this.io.sockets.sockets.values()) {
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

  /** The rooms an event about camera `cameraId` goes to; null when the camera is unknown. */
  private roomsOf(event: CameraEvent, cameraId: string): string[] | null {
    const cam = this.deps.lookup(cameraId);
    if (!cam) return null;
    this.fresh();
    return this.deps.policy.cameraRooms(EVENT_ACTIONS[event], cam, this.areas.active);
  }

  /** Queues status changes; one `camera:status` batch per socket goes out every batchMs. */
  publishStatus(changes: StatusChange[]): void {
    for (const c of changes) this.pending.set(c.id, c);
    if (!this.timer && !this.closed) this.timer = setTimeout(() => this.flush(), this.deps.batchMs ?? 500);
  }

  /** Sends the queued status changes: each socket gets one batch of the changes its rooms reach. */
  flush(): void {
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const members = this.io.sockets.adapter.rooms;
    const bySocket = new Map<string, StatusChange[]>();
    for (const c of batch) {
      const reached = new Set<string>();
      for (const room of this.roomsOf('camera:status', c.id) ?? [])
        for (const id of members.get(room) ?? []) reached.add(id);
      for (const id of reached) {
        const mine = bySocket.get(id);
        if (mine) mine.push(c);
        else bySocket.set(id, [c]);
      }
    }
    // sockets with the same batch share one broadcast, so it is encoded once
    const groups = new Map<string, { ids: string[]; changes: StatusChange[] }>();
    for (const [id, changes] of bySocket) {
      const key = changes.map((c) => c.id).join('\u0000');
      const g = groups.get(key);
      if (g) g.ids.push(id);
      else groups.set(key, { ids: [id], changes });
    }
    for (const g of groups.values()) this.out.to(g.ids).emit('camera:status', g.changes);
  }

  /**
   * A camera changed or is being removed: told to the rooms of its record, so a removal must be
   * published while `lookup` still knows the camera (an unknown camera's news goes to nobody).
   */
  publishCamera(kind: 'changed' | 'removed', id: string): void {
    if (kind === 'changed') {
      const rooms = this.roomsOf('camera:changed', id);
      if (rooms?.length) this.out.to(rooms).emit('camera:changed', { id });
    } else {
      const rooms = this.roomsOf('camera:removed', id);
      if (rooms?.length) this.out.to(rooms).emit('camera:removed', { id });
    }
  }

  publishStreamState(m: StreamStateMessage): void {
    this.tell('publishStreamState', [m]);
    const rooms = this.roomsOf('stream:state', m.cameraId);
    if (rooms?.length) this.out.to(rooms).emit('stream:state', m);
  }

  /** A recorder's state (failed with why, recording again, …), to the rooms that may view its camera. */
  publishRecordingState(m: RecordingStateMessage): void {
    this.tell('publishRecordingState', [m]);
    const rooms = this.roomsOf('recording:state', m.cameraId);
    if (rooms?.length) this.out.to(rooms).emit('recording:state', m);
  }

  publishEvent(e: CameraEventMessage): void {
    this.tell('publishEvent', [e]);
    const rooms = e.cameraId ? this.roomsOf('camera:event', e.cameraId) : null;
    if (rooms?.length) this.out.to(rooms).emit('camera:event', e);
  }

  /** Scan progress goes to the principals the policy lets discover in the scanned network's department. */
  publishScan(departmentId: number, m: ScanProgressMessage): void {
    this.tell('publishScan', [departmentId, m]);
    const rooms = this.deps.policy.recordRooms(EVENT_ACTIONS['scan:progress'], departmentId);
    if (rooms.length) this.out.to(rooms).emit('scan:progress', m);
  }

  /** An alarm goes to the principals the policy lets read the alarms of its department. */
  publishAlarm(departmentId: number, m: AlarmMessage): void {
    this.tell('publishAlarm', [departmentId, m]);
    const rooms = this.deps.policy.recordRooms(EVENT_ACTIONS['alarm:notify'], departmentId);
    if (rooms.length) this.out.to(rooms).emit('alarm:notify', m);
  }

  /**
   * A wall screen changed (state: as the screen itself may see it) or was removed (null): to the screen's page and to the
   * principals the policy lets read its department's wall; a removed screen's page is told and closed.
   */
  publishScreen(departmentId: number, screenId: number, state: WallScreenMessage | null): void {
    this.tell('publishScreen', [departmentId, screenId, state]);
    const wall = this.deps.policy.recordRooms(EVENT_ACTIONS['wall:screen'], departmentId);
    const own = this.deps.policy.screenRoom(screenId);
    if (state) {
      this.out.to([...wall, own]).emit('wall:screen', state);
      return;
    }
    if (wall.length) this.out.to(wall).emit('wall:screen', { id: screenId, departmentId, closed: 'removed' });
    for (const id of [...(this.io.sockets.adapter.rooms.get(own) ?? [])])
      this.closeScreenSocket(id, { id: screenId, departmentId }, 'removed');
  }

  /** Tells a screen's page why it is closed, then disconnects it (its client does not reconnect by itself). */
  private closeScreenSocket(
    id: string,
    screen: { id: number; departmentId: number | null },
    closed: 'replaced' | 'removed',
  ): void {
    const s = this.io.sockets.sockets.get(id);
    if (!s) return;
    s.emit('wall:screen', { id: screen.id, departmentId: screen.departmentId ?? 0, closed });
    s.disconnect(true);
  }

  /** Who controls a camera's PTZ now (and whom it was taken from), to the rooms that may view the camera. */
  publishPtzControl(m: PtzControlMessage): void {
    this.tell('publishPtzControl', [m]);
    const rooms = this.roomsOf('ptz:control', m.cameraId);
    if (rooms?.length) this.out.to(rooms).emit('ptz:control', m);
  }

  /**
   * Cluster: each node delivers to its own sockets only (`local`), by rooms it computes itself — area keys are
   * interned per node — and publications are told to the other nodes whole (the adapter's server-side emit).
   */
  private get out(): typeof this.io.local {
    return this.io.local;
  }

  private tell(name: Relayed, args: unknown[]): void {
    if (this.deps.adapter && !this.fromPeer && !this.closed) this.io.serverSideEmit('publish', name, args);
  }

  private fromOtherNode(name: string, args: unknown): void {
    if (!(RELAYED as readonly string[]).includes(name) || !Array.isArray(args)) return;
    this.fromPeer = true;
    try {
      (this[name as Relayed] as (...a: unknown[]) => void)(...args);
    } catch {
      // a malformed message of another node: nothing delivered
    } finally {
      this.fromPeer = false;
    }
  }

  get connections(): number {
    return this.io.sockets.sockets.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // the connections end without a socket.io "disconnect" packet: clients read that as "the server sent me away" and
    // never reconnect, where a closed transport makes them (a screen page) come back to the gateway when it is up again;
    // the HTTP server is closed by its owner, only the engine is shut here
    this.io.engine.close();
    // cluster: the adapter gives its LISTEN connection back (its pool can then end)
    if (this.deps.adapter) await this.io.of('/').adapter.close();
  }
}
