// The realtime hub's socket.io socket: the events it is sent, what the nodes of a cluster tell each other, its data.
import type { Socket } from 'socket.io';
import type { Principal } from '../auth/policy';
import type { ServerEvents } from './server-events';

export interface SocketData {
  principal: Principal;
  /** Key of the principal's area scope in room names (AreaKeys), null without one. */
  areaKey: string | null;
  /** principalsVersion when the principal was read. */
  version: number;
}

export interface PeerEvents {
  publish: (name: string, args: unknown[]) => void;
}

export type HubSocket = Socket<Record<string, never>, ServerEvents, PeerEvents, SocketData>;
