// Recording health: each volume (writable, refusing writes, full of held footage) and each recorder a principal may see.
import type { PolicyCamera, Principal } from '../auth/policy';
import type { RecorderStatus } from './recorder';
import type { Volume } from './volume';

/** What the health report needs (declared here, STYLE §5; the wiring provides them). */
export interface RecordingHealthDeps {
  status(): RecorderStatus[];
  volumes: ReadonlyMap<string, Volume>;
  /** A camera as the policy sees it now; undefined when unknown. */
  lookup(id: string): PolicyCamera | undefined;
  can(p: Principal, action: 'view', cam: PolicyCamera): boolean;
}

export interface VolumeHealth {
  path: string;
  state: 'ok' | 'failed' | 'full';
  /** Why not ok, without naming any camera (null when ok). */
  reason: string | null;
  since: string | null;
  /** Recorders failed on this volume now, of every camera (only the caller's are named under `cameras`). */
  failedRecorders: number;
}

export interface CameraRecordingHealth {
  cameraId: string;
  state: RecorderStatus['state'];
  reason: string;
  cause: RecorderStatus['cause'];
  code: string | null;
  volume: string | null;
  since: string;
}

export interface RecordingHealthReport {
  /** failed: a volume refuses writes or is full, or one of the caller's cameras does not record as planned. */
  state: 'ok' | 'failed';
  volumes: VolumeHealth[];
  /** Recorders of the cameras the caller may view (cameras whose plan is off have none). */
  cameras: CameraRecordingHealth[];
}

const ERRNO: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path in the volume is not a directory',
  EEXIST: 'a path in the volume is not a directory',
  ENOENT: 'the volume directory is gone',
  EIO: 'I/O error',
};

/** Why a volume refuses writes, from the errno code (a failure's message names the segment, hence the camera). */
export function writeFailureReason(code: string | null): string {
  return `writes fail: ${(code && ERRNO[code]) ?? 'write error'}${code ? ` (${code})` : ''}`;
}

export class RecordingHealth {
  constructor(private readonly d: RecordingHealthDeps) {}

  report(p: Principal): RecordingHealthReport {
    const all = this.d.status();
    const volumes = [...this.d.volumes.values()].map((v): VolumeHealth => {
      const failedRecorders = all.filter((s) => s.volume === v.path && s.state === 'failed').length;
      if (v.writeFailure)
        return {
          path: v.path,
          state: 'failed',
          reason: writeFailureReason(v.writeFailure.code),
          since: new Date(v.writeFailure.at).toISOString(),
          failedRecorders,
        };
      if (v.full) return { path: v.path, state: 'full', reason: 'full of held footage', since: null, failedRecorders };
      return { path: v.path, state: 'ok', reason: null, since: null, failedRecorders };
    });
    const cameras = all
      .filter((s) => {
        const cam = this.d.lookup(s.cameraId);
        return cam !== undefined && this.d.can(p, 'view', cam);
      })
      .map((s) => ({
        cameraId: s.cameraId,
        state: s.state,
        reason: s.reason,
        cause: s.cause,
        code: s.code,
        volume: s.volume,
        since: new Date(s.since).toISOString(),
      }))
      .sort((a, b) => a.cameraId.localeCompare(b.cameraId));
    const failed = volumes.some((v) => v.state !== 'ok') || cameras.some((c) => c.state === 'failed');
    return { state: failed ? 'failed' : 'ok', volumes, cameras };
  }
}
