// Retention: by age per camera (continuous and event footage apart), by volume limit down to a low-water mark; held footage never.
import { rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { resolveSegmentPath } from '../../transcoder/record/segment-names';
import type { RecordingsRepo, SegmentRecord } from '../db/recordings-repo';
import type { Volume } from './volume';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface RetentionReport {
  deleted: number;
  freedBytes: number;
}

/** The ages footage of one camera is kept, in days. */
export type AgeRule = (
  cameraId: string,
  departmentId: number | null,
) => { retentionDays: number; eventRetentionDays: number };

export class Retention {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repo: RecordingsRepo,
    private readonly lowWater: number,
    private readonly log: Log,
  ) {}

  /**
   * When the volume's indexed bytes exceed its limit (quota, free-space reserve), deletes the oldest continuous
   * footage, then the oldest event footage, never held footage, until they are at most lowWater × limit.
   * Sets `volume.full` when held footage alone is over the limit. Serialized per volume.
   */
  enforceQuota(volume: Volume): Promise<RetentionReport> {
    return this.serial(volume.path, async () => {
      const report: RetentionReport = { deleted: 0, freedBytes: 0 };
      const limit = await volume.limitBytes();
      if (volume.indexedBytes <= limit) {
        volume.full = false;
        return report;
      }
      const target = Math.floor(limit * this.lowWater);
      while (volume.indexedBytes > target) {
        const batch = await this.repo.quotaCandidates(volume.path, 64);
        // only as many of the oldest as bring the volume to the low-water mark
        const take: SegmentRecord[] = [];
        for (let over = volume.indexedBytes - target; over > 0 && take.length < batch.length;) {
          const s = batch[take.length]!;
          take.push(s);
          if (!s.missing) over -= s.bytes;
        }
        if (!take.length) break;
        const r = await this.remove(volume, take, `volume over its limit (${volume.indexedBytes} > ${limit} bytes)`);
        report.deleted += r.deleted;
        report.freedBytes += r.freedBytes;
        if (r.deleted === 0) break;
      }
      volume.full = volume.indexedBytes > limit;
      if (volume.full)
        this.log(
          'error',
          `recording: volume ${volume.path} is full of held footage (${volume.indexedBytes} bytes, limit ${limit}): recording stops on it`,
        );
      return report;
    });
  }

  /** Deletes footage older than each camera's retention (continuous and event apart), never held footage. */
  async enforceAge(volumes: ReadonlyMap<string, Volume>, rule: AgeRule, nowMs: number): Promise<RetentionReport> {
    const report: RetentionReport = { deleted: 0, freedBytes: 0 };
    for (const cam of await this.repo.recordedCameras()) {
      const r = rule(cam.cameraId, cam.departmentId);
      const contBefore = nowMs - r.retentionDays * 86_400_000;
      const eventBefore = nowMs - r.eventRetentionDays * 86_400_000;
      for (;;) {
        const batch = await this.repo.expired(cam.cameraId, contBefore, eventBefore, 256);
        if (!batch.length) break;
        let deleted = 0;
        for (const [vol, segs] of groupBy(batch, (s) => s.volume)) {
          const v = volumes.get(vol);
          const res = v
            ? await this.serial(vol, () =>
                this.remove(v, segs, `older than ${r.retentionDays} days (event ${r.eventRetentionDays})`),
              )
            : await this.removeRows(segs, 'on a volume no longer configured');
          deleted += res.deleted;
          report.deleted += res.deleted;
          report.freedBytes += res.freedBytes;
        }
        if (deleted === 0) break;
      }
    }
    return report;
  }

  private async remove(volume: Volume, segs: SegmentRecord[], why: string): Promise<RetentionReport> {
    const gone: SegmentRecord[] = [];
    for (const s of segs) {
      try {
        const file = resolveSegmentPath(volume.path, s.path);
        await unlink(file).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
        await rmdir(path.dirname(file)).catch(() => undefined); // the day's directory, once empty
        gone.push(s);
      } catch (err) {
        this.log(
          'error',
          `recording: retention could not delete ${s.path} on ${volume.path}: ${(err as Error).message}`,
        );
      }
    }
    const r = await this.removeRows(gone, why);
    volume.indexedBytes -= r.freedBytes;
    return r;
  }

  private async removeRows(segs: SegmentRecord[], why: string): Promise<RetentionReport> {
    await this.repo.delete(segs.map((s) => s.id));
    let freedBytes = 0;
    for (const s of segs) {
      if (!s.missing) freedBytes += s.bytes;
      this.log(
        'info',
        `recording: retention deleted camera ${s.cameraId} ${s.kind} segment ${s.path} ` +
          `(${new Date(s.startMs).toISOString()}, ${s.bytes} bytes): ${why}`,
      );
    }
    return { deleted: segs.length, freedBytes };
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(fn, fn);
    this.chains.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
