// Saved stills: a fresh full-resolution JPEG of a camera for the operator to keep; policy-checked and audited.
import { streamUrl } from '../cameras/stream-url';
import type { CameraRecord } from '../db/cameras-repo';
import type { AuditWrite } from '../db/audit-repo';
import type { Principal } from '../auth/policy';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Snapshot, SnapshotSource } from './snapshot-service';

/** The audit action of a saved still (outcome ok, denied or failed). */
export const STILL_AUDIT_ACTION = 'camera.still';
/** A still is at most this old when handed out, milliseconds: the picture of now, not of the popup's cache. */
export const STILL_MAX_AGE_MS = 1000;

/** What the still service needs of the cameras (declared here, STYLE §5). */
export interface StillCameras {
  /**
   * Policy-checked record (throws NotFoundError when invisible, ForbiddenError when not allowed; any
   * other check the wiring adds before a camera is contacted may throw too, and is audited as failed).
   */
  record(p: Principal, id: string, action: 'snapshot'): Promise<CameraRecord>;
  credentials(cam: CameraRecord): { username: string; password: string } | null;
}

/** A saved still. */
export interface Still {
  jpeg: Buffer;
  /** Suggested download name: cloudeye-<camera id>-<UTC yyyymmdd-hhmmss>.jpg */
  filename: string;
  takenAt: Date;
  source: Snapshot['source'];
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export class StillService {
  constructor(
    private readonly cameras: StillCameras,
    private readonly snapshots: { get(src: SnapshotSource, maxAgeMs?: number): Promise<Snapshot> },
    private readonly audit: { append(e: AuditWrite): Promise<void> },
  ) {}

  /**
   * A still of camera `cameraId`'s main profile (full resolution) taken now, for `p`. Needs viewing
   * rights (policy action 'snapshot', asked by the route's gate, which audits a role that may never
   * take one): a camera `p` cannot see is a NotFoundError, audited as denied. A camera that gives no picture rejects
   * with SnapshotError / SnapshotUnavailableError, audited as failed. Every still handed out is audited
   * (who, which camera, when, from which source) before it is returned.
   */
  async take(p: Principal, cameraId: string, ip: string): Promise<Still> {
    const who: AuditWrite = {
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      ip,
      action: STILL_AUDIT_ACTION,
      targetType: 'camera',
      targetId: cameraId,
    };
    let cam: CameraRecord;
    try {
      cam = await this.cameras.record(p, cameraId, 'snapshot');
    } catch (err) {
      // a refusal by the policy is denied; anything else on the way (an address check, the database) failed
      const outcome = err instanceof ForbiddenError || err instanceof NotFoundError ? 'denied' : 'failed';
      await this.audit.append({ ...who, outcome, detail: { error: err instanceof Error ? err.message : String(err) } });
      throw err;
    }
    const takenAt = new Date();
    let snap: Snapshot;
    try {
      const src: SnapshotSource = {
        cameraId: cam.id,
        profile: 'main',
        snapshotUri: cam.snapshotUri,
        streamUri: streamUrl(cam, 'main', false),
        codec: cam.streams.main?.codec ?? 'h264',
        credentials: this.cameras.credentials(cam),
      };
      snap = await this.snapshots.get(src, STILL_MAX_AGE_MS);
    } catch (err) {
      await this.audit.append({
        ...who,
        outcome: 'failed',
        detail: { name: cam.name, error: err instanceof Error ? err.message : String(err) },
      });
      throw err;
    }
    const detail = {
      name: cam.name,
      profile: 'main',
      source: snap.source,
      bytes: snap.jpeg.length,
      takenAt: takenAt.toISOString(),
    };
    await this.audit.append({ ...who, detail });
    return { jpeg: snap.jpeg, filename: `cloudeye-${cam.id}-${stamp(takenAt)}.jpg`, takenAt, source: snap.source };
  }
}
