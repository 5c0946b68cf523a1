// The server → client events of socket.io, and the policy action each asks for (camera events: a camera action on that
// camera; record events: a global action in the record's department).
import type { CameraAction, GlobalAction } from '../auth/policy';
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

/** Server → client events (the console's realtime module mirrors these names). */
export interface ServerEvents {
  'camera:status': (changes: StatusChange[]) => void;
  'camera:changed': (m: { id: string }) => void;
  'camera:removed': (m: { id: string }) => void;
  'stream:state': (m: StreamStateMessage) => void;
  'recording:state': (m: RecordingStateMessage) => void;
  'scan:progress': (m: ScanProgressMessage) => void;
  'camera:event': (m: CameraEventMessage) => void;
  'alarm:notify': (m: AlarmMessage) => void;
  /**
   * A wall screen's state, to the screen and its department's wall; or its closing (`closed`): removed (to both), or
   * replaced (to the screen's older page only, when its credential connected from another browser).
   */
  'wall:screen': (m: WallScreenMessage) => void;
  'ptz:control': (m: PtzControlMessage) => void;
}

/** The server events about a department's records (each needs a global action in that department). */
export type RecordEvent = 'scan:progress' | 'alarm:notify' | 'wall:screen';

/**
 * The policy action each server event asks for: a camera event needs its camera action on that
 * camera, scan progress its global action in the scanned network's department.
 */
export const EVENT_ACTIONS: {
  readonly [E in keyof ServerEvents]: E extends RecordEvent ? GlobalAction : CameraAction;
} = {
  'camera:status': 'view',
  'camera:changed': 'view',
  'camera:removed': 'view',
  'stream:state': 'view',
  'recording:state': 'view',
  'camera:event': 'view',
  'scan:progress': 'discover',
  'alarm:notify': 'alarm-read',
  'wall:screen': 'wall-read',
  'ptz:control': 'view',
};

export type CameraEvent = Exclude<keyof ServerEvents, RecordEvent>;
export const RECORD_EVENTS: readonly RecordEvent[] = ['scan:progress', 'alarm:notify', 'wall:screen'];

/** The camera actions of the camera events (each socket joins the rooms of each). */
export const CAMERA_EVENT_ACTIONS: readonly CameraAction[] = [
  ...new Set(
    Object.entries(EVENT_ACTIONS).flatMap(([e, a]) =>
      RECORD_EVENTS.includes(e as RecordEvent) ? [] : [a as CameraAction],
    ),
  ),
];
