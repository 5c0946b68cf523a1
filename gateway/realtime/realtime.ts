// socket.io: authenticated on connect; camera status and changes, stream and recorder states, events, scan progress and
// alarms, each sent to the rooms the policy names for it, which the policy also chose for each socket; status batched.
import type http from 'node:http';
import { Server } from 'socket.io';
import type { PeerEvents, SocketData } from './hub-socket';
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
import { EVENT_ACTIONS, type CameraEvent, type ServerEvents } from './server-events';
import { SocketRooms } from './socket-rooms';

export type * from './messages';
export type { RealtimeDeps, RealtimePolicy } from './realtime-deps';
export { EVENT_ACTIONS, type ServerEvents } from './server-events';

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
  private readonly rooms: SocketRooms;
  private pending = new Map<string, StatusChange>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

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
    this.rooms = new SocketRooms(this.io.sockets.sockets, deps, () => this.closed);
    if (deps.adapter) this.io.on('publish', (name, args) => this.fromOtherNode(name, args));
    this.io.use((socket, next) => {
      const version = this.rooms.principalsVersion;
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
      this.rooms.fresh();
      // one page per screen: the same screen credential connecting again closes the older page. Not this socket:
      // fresh() may have put it in its rooms already (the first connection after a start, or after a share expired)
      const older = deps.policy
        .screenRooms(socket.data.principal)
        .flatMap((r) => [...(this.io.sockets.adapter.rooms.get(r) ?? [])])
        .filter((id) => id !== socket.id);
      this.rooms.join(socket);
      for (const id of older) this.closeScreenSocket(id, socket.data.principal, 'replaced');
      if (socket.data.version !== this.rooms.principalsVersion) void this.refreshPrincipals();
      socket.on('disconnect', () => this.rooms.leave(socket));
    });
  }

  /** Shares changed: every socket's rooms are recomputed now, before the next event goes out. */
  invalidate(): void {
    this.rooms.rejoinAll();
  }

  /**
   * Users or API keys changed: each socket's principal is read again and its rooms recomputed; the
   * socket of a disabled user or revoked key is disconnected. Resolves when every socket is done.
   */
  refreshPrincipals(): Promise<void> {
    return this.rooms.refreshPrincipals();
  }

  /** The rooms an event about camera `cameraId` goes to; null when the camera is unknown. */
  private roomsOf(event: CameraEvent, cameraId: string): string[] | null {
    const cam = this.deps.lookup(cameraId);
    if (!cam) return null;
    this.rooms.fresh();
    return this.deps.policy.cameraRooms(EVENT_ACTIONS[event], cam, this.rooms.areas.active);
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
