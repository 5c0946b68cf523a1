// socket.io: authenticated on connect; camera status, camera changes, stream states and scan progress,
// each delivered only to the sockets whose principal may see the camera; status changes batched.
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { PolicyCamera, Principal } from '../auth/policy';

export interface StatusChange {
  id: string;
  status: string;
  reason: string;
  lastSeen: string | null;
}

export interface StreamStateMessage {
  cameraId: string;
  profile: string;
  state: string;
  reason?: string;
}

export interface ScanProgressMessage {
  scanId: string;
  probed: number;
  total: number;
  found: number;
  done: boolean;
  error?: string;
}

/** Server → client events (the console's realtime module mirrors these names). */
export interface ServerEvents {
  'camera:status': (changes: StatusChange[]) => void;
  'camera:changed': (m: { id: string }) => void;
  'camera:removed': (m: { id: string }) => void;
  'stream:state': (m: StreamStateMessage) => void;
  'scan:progress': (m: ScanProgressMessage) => void;
  'camera:event': (m: { id: string; cameraId: string | null; type: string; at: string; data: Record<string, unknown> }) => void;
}

export interface RealtimeDeps {
  /** Principal of a handshake ({ token } or { apiKey }); throws when not valid. */
  authenticate(auth: Record<string, unknown>): Promise<Principal>;
  /** Visibility predicate for a principal (rebuilt when shares change). */
  predicate(p: Principal): (cam: PolicyCamera) => boolean;
  /** In-memory camera facts for visibility checks. */
  lookup(id: string): PolicyCamera | undefined;
  /** Milliseconds status changes are collected before one batch goes out. Default 500. */
  batchMs?: number;
}

interface SocketData {
  principal: Principal;
  visible: ((cam: PolicyCamera) => boolean) | null;
}

export class Realtime {
  private readonly io: Server<Record<string, never>, ServerEvents, Record<string, never>, SocketData>;
  private pending = new Map<string, StatusChange>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    server: http.Server,
    private readonly deps: RealtimeDeps,
  ) {
    this.io = new Server(server, { path: '/socket.io', serveClient: false, cors: { origin: false } });
    this.io.use((socket, next) => {
      deps
        .authenticate((socket.handshake.auth ?? {}) as Record<string, unknown>)
        .then((p) => {
          socket.data.principal = p;
          socket.data.visible = null;
          next();
        })
        .catch((err: unknown) => next(new Error(err instanceof Error ? err.message : 'unauthorized')));
    });
  }

  private sees(socket: Socket<Record<string, never>, ServerEvents, Record<string, never>, SocketData>, cameraId: string): boolean {
    const cam = this.deps.lookup(cameraId);
    if (!cam) return false;
    socket.data.visible ??= this.deps.predicate(socket.data.principal);
    return socket.data.visible(cam);
  }

  /** Shares or users changed: visibility is recomputed on the next event. */
  invalidate(): void {
    for (const s of this.io.sockets.sockets.values()) s.data.visible = null;
  }

  /** Queues status changes; one `camera:status` batch per socket goes out every batchMs. */
  publishStatus(changes: StatusChange[]): void {
    for (const c of changes) this.pending.set(c.id, c);
    if (!this.timer && !this.closed) this.timer = setTimeout(() => this.flush(), this.deps.batchMs ?? 500);
  }

  flush(): void {
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return;
    for (const s of this.io.sockets.sockets.values()) {
      const mine = batch.filter((c) => this.sees(s, c.id));
      if (mine.length) s.emit('camera:status', mine);
    }
  }

  publishCamera(kind: 'changed' | 'removed', id: string, visibleBefore?: (p: Principal) => boolean): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (kind === 'changed' ? this.sees(s, id) : (visibleBefore?.(s.data.principal) ?? true)) s.emit(kind === 'changed' ? 'camera:changed' : 'camera:removed', { id });
    }
  }

  publishStreamState(m: StreamStateMessage): void {
    for (const s of this.io.sockets.sockets.values()) if (this.sees(s, m.cameraId)) s.emit('stream:state', m);
  }

  publishEvent(e: { id: string; cameraId: string | null; type: string; at: string; data: Record<string, unknown> }): void {
    if (!e.cameraId) return;
    for (const s of this.io.sockets.sockets.values()) if (this.sees(s, e.cameraId)) s.emit('camera:event', e);
  }

  /** Scan progress goes to the admins and operators of the scanned network's department. */
  publishScan(departmentId: number, m: ScanProgressMessage): void {
    for (const s of this.io.sockets.sockets.values()) {
      const p = s.data.principal;
      if ((p.role === 'admin' || p.role === 'operator') && (p.departmentId === null || p.departmentId === departmentId)) s.emit('scan:progress', m);
    }
  }

  get connections(): number {
    return this.io.sockets.sockets.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.io.disconnectSockets(true);
    // the HTTP server is closed by its owner; only the engine is shut here
    this.io.engine.close();
  }
}
