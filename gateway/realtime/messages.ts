// The messages the realtime hub sends to sockets (the console's realtime module mirrors them).

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

/** An event about a camera (alarm, motion, …) posted by a device or an integrator. */
export interface CameraEventMessage {
  id: string;
  cameraId: string | null;
  type: string;
  at: string;
  data: Record<string, unknown>;
}
