// The messages the realtime hub sends to sockets (the console's realtime module mirrors them).
import type { Alarm } from '../alarms/alarm-model';
import type { CameraSummary } from '../contract';
import type { StoredEvent } from '../events/event-model';
import type { Screen } from '../wall/wall-model';

/** A wall screen's state (its layout and the cameras on its panes), or the news that it was closed, and why. */
export type WallScreenMessage = Screen | { id: number; departmentId: number; closed: 'removed' | 'replaced' };

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

/** A recorder's state changed: failed (cause write: its volume refuses writes; why in reason), recording again, … */
export interface RecordingStateMessage {
  cameraId: string;
  state: string;
  reason: string;
  cause: string | null;
  volume: string | null;
  since: string;
}

export interface ScanProgressMessage {
  scanId: string;
  probed: number;
  total: number;
  found: number;
  done: boolean;
  error?: string;
}

/** An event about a camera (alarm, motion, …) posted by a device or an integrator. */
export interface CameraEventMessage {
  id: string;
  cameraId: string | null;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * An alarm raised by a linkage rule, escalated (not acknowledged in time) or reopened: the alarm, the event that
 * raised it and the cameras chosen for it (nearest first), to the operators of its department.
 */
export interface AlarmMessage {
  reason: 'raised' | 'escalated' | 'reopened';
  alarm: Alarm;
  event: StoredEvent | null;
  cameras: CameraSummary[];
}

/** The PTZ controller of a camera changed: who holds it now (null: nobody) and who lost it and why. */
export interface PtzControlMessage {
  cameraId: string;
  holder: { name: string; priority: number; until: string } | null;
  lost: { name: string; reason: 'taken' | 'lapsed' | 'released' } | null;
}
