// socket.io: authenticated on connect; camera status, camera changes, stream states and scan progress,
// each delivered only to the sockets whose principal the policy allows the event's action; status changes batched.
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Action, CameraAction, GlobalAction, PolicyCamera, Principal } from '../auth/policy';

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

/**
 * The policy action each server event asks for, per socket: a camera event needs its camera action
 * on that camera, scan progress its global action in the scanned network's department.
 */
export const EVENT_ACTIONS: { readonly [E in keyof ServerEvents]: E extends 'scan:progress' ? GlobalAction : CameraAction } = {
  'camera:status': 'view',
  'camera:changed': 'view',
  'camera:removed': 'view',
  'stream:state': 'view',
  'camera:event': 'view',
  'scan:progress': 'discover',
};

type CameraEvent = Exclude<keyof ServerEvents, 'scan:progress'>;

/** What the realtime hub asks of the access policy (auth/access.ts AccessControl answers). */
export interface RealtimePolicy {
  /** The gate: may p ask for `action` at all (policy.permits). */
  permits(p: Principal, action: Action): boolean;
  /** p's per-camera answer for a camera action, as a predicate (rebuilt after invalidate()). */
  cameraCheck(p: Principal, action: CameraAction): (cam: PolicyCamera) => boolean;
  /** May p take a global action on department `departmentId`'s records (policy.inDepartment)? */
  inDepartment(p: Principal, action: GlobalAction, departmentId: number): boolean;
}

export interface RealtimeDeps {
  /** Principal of a handshake ({ token } or { apiKey }); throws when not valid. */
  authenticate(auth: Record<string, unknown>): Promise<Principal>;
  /** Every delivery decision. */
  policy: RealtimePolicy;
  /** In-memory camera facts for visibility checks. */
  lookup(id: string): PolicyCamera | undefined;
  /** Milliseconds status changes are collected before one batch goes out. Default 500. */
  batchMs?: number;
}

interface SocketData {
  principal: Principal;
  /** The policy's compiled per-camera answers by action; cleared by invalidate(). */
  checks: Map<CameraAction, (cam: PolicyCamera) => boolean>;
}

type HubSocket = Socket<Record<string, never>, ServerEvents, Record<string, never>, SocketData>;

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
          socket.data.checks = new Map();
          next();
        })
        .catch((err: unknown) => next(new Error(err instanceof Error ? err.message : 'unauthorized')));
    });
  }

  /** Whether the policy lets the socket's principal receive `event` about camera `cameraId`. */
  private allowed(socket: HubSocket, event: CameraEvent, cameraId: string): boolean {
    const cam = this.deps.lookup(cameraId);
    if (!cam) return false;
    const action = EVENT_ACTIONS[event];
    let check = socket.data.checks.get(action);
    if (!check) {
      const p = socket.data.principal;
      check = this.deps.policy.permits(p, action) ? this.deps.policy.cameraCheck(p, action) : () => false;
      socket.data.checks.set(action, check);
    }
    return check(cam);
  }

  /** Shares or users changed: the policy is asked again on the next event. */
  invalidate(): void {
    for (const s of this.io.sockets.sockets.values()) s.data.checks.clear();
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
      const mine = batch.filter((c) => this.allowed(s, 'camera:status', c.id));
      if (mine.length) s.emit('camera:status', mine);
    }
  }

  /**
   * A camera changed or was removed. A removed camera is gone from `lookup`: its removal goes to
   * the principals `visibleBefore` names, or else to every principal the policy's gate lets view.
   */
  publishCamera(kind: 'changed' | 'removed', id: string, visibleBefore?: (p: Principal) => boolean): void {
    for (const s of this.io.sockets.sockets.values()) {
      if (kind === 'changed') {
        if (this.allowed(s, 'camera:changed', id)) s.emit('camera:changed', { id });
      } else if (this.deps.policy.permits(s.data.principal, EVENT_ACTIONS['camera:removed']) && (visibleBefore?.(s.data.principal) ?? true)) s.emit('camera:removed', { id });
    }
  }

  publishStreamState(m: StreamStateMessage): void {
    for (const s of this.io.sockets.sockets.values()) if (this.allowed(s, 'stream:state', m.cameraId)) s.emit('stream:state', m);
  }

  publishEvent(e: { id: string; cameraId: string | null; type: string; at: string; data: Record<string, unknown> }): void {
    if (!e.cameraId) return;
    for (const s of this.io.sockets.sockets.values()) if (this.allowed(s, 'camera:event', e.cameraId)) s.emit('camera:event', e);
  }

  /** Scan progress goes to the principals the policy lets discover in the scanned network's department. */
  publishScan(departmentId: number, m: ScanProgressMessage): void {
    for (const s of this.io.sockets.sockets.values())
      if (this.deps.policy.inDepartment(s.data.principal, EVENT_ACTIONS['scan:progress'], departmentId)) s.emit('scan:progress', m);
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
