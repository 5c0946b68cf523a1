// What the realtime hub needs from the rest of the gateway: authentication, the access policy's rooms, camera facts.
import type { CameraAction, GlobalAction, PolicyCamera, Principal } from '../auth/policy';
import type { Area, NarrowScope } from '../auth/policy-rooms';
import type { ServerOptions } from 'socket.io';

/**
 * What the realtime hub asks of the access policy (auth/access.ts AccessControl answers, with
 * auth/policy-rooms.ts): which rooms a socket joins, and which rooms an event goes to.
 */
export interface RealtimePolicy {
  /** What confines p's camera rooms (area, camera scopes), interned as its area key; null when nothing. */
  roomScope(p: Principal): Area | NarrowScope | null;
  /** Rooms p joins for events needing camera action `action` ([] when the gate refuses). */
  principalRooms(p: Principal, action: CameraAction, areaKey?: string): string[];
  /** Rooms an event about `cam` needing `action` goes to; `areas`: the connected area scopes by key. */
  cameraRooms(action: CameraAction, cam: PolicyCamera, areas: ReadonlyMap<string, Area | NarrowScope>): string[];
  /** Rooms p joins for the records of global action `action` ([] when its scope is none). */
  scopeRooms(p: Principal, action: GlobalAction): string[];
  /** Rooms an event about department `departmentId`'s records of `action` goes to. */
  recordRooms(action: GlobalAction, departmentId: number): string[];
  /** Rooms p's socket joins as a wall screen ([] for anyone else). */
  screenRooms(p: Principal): string[];
  /** The room of wall screen `screenId`'s own sockets. */
  screenRoom(screenId: number): string;
  /** Epoch ms until which rooms computed now stay right unless invalidate() is called (next share expiry). */
  roomsValidUntil(): number;
}

export interface RealtimeDeps {
  /** Principal of a handshake ({ token } or { apiKey }) from `origin` (its Origin header); throws when not valid. */
  authenticate(auth: Record<string, unknown>, origin: string | undefined, host: string | undefined): Promise<Principal>;
  /** The principal as it is now (after a user or API key changed); null when disabled or revoked. */
  reauthenticate(p: Principal): Promise<Principal | null>;
  /** Every delivery decision. */
  policy: RealtimePolicy;
  /** In-memory camera facts (department, tags, position) the policy names a camera's rooms from. */
  lookup(id: string): PolicyCamera | undefined;
  /** Milliseconds status changes are collected before one batch goes out. Default 500. */
  batchMs?: number;
  /**
   * Cluster: the socket.io adapter linking the nodes (@socket.io/postgres-adapter). Publications made here are then
   * told to the other nodes, each delivering them to its own sockets by its own rooms (see Realtime).
   */
  adapter?: ServerOptions['adapter'];
}
