// Start-up reconciliation of a volume with the index: temporary files removed, orphans indexed (or removed), vanished files marked missing.
import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { checkSegmentFile } from '../../transcoder/record/segment-file';
import { isPartName, parseSegmentRelPath } from '../../transcoder/record/segment-names';
import type { RecordingsRepo } from '../db/recordings-repo';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** What reconciliation did on one volume. */
export interface ReconcileReport {
  volume: string;
  /** Segment files found present and indexed. */
  checked: number;
  /** Half-written `.part` files removed (a crash or kill while writing). */
  tempRemoved: number;
  /** Complete segment files without a row, read back and indexed. */
  orphansIndexed: number;
  /** Files with a segment's name that are not readable segments, removed. */
  orphansRemoved: number;
  /** Rows whose file is gone, marked missing (the timeline shows a gap there). */
  missingMarked: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CAMERA = /^[A-Za-z0-9_-]{1,64}$/;

async function dirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * Reconciles `volume` (absolute path) with the index. Must run before recorders write to the volume.
 * `departmentOf` gives an orphan's camera department (null for a deleted camera).
 */
export async function reconcileVolume(
  volume: string,
  repo: RecordingsRepo,
  departmentOf: (cameraId: string) => Promise<number | null>,
  log: Log,
): Promise<ReconcileReport> {
  const r: ReconcileReport = {
    volume,
    checked: 0,
    tempRemoved: 0,
    orphansIndexed: 0,
    orphansRemoved: 0,
    missingMarked: 0,
  };
  const visited = new Set<string>();
  for (const cam of (await dirs(volume)).filter((d) => CAMERA.test(d))) {
    for (const day of (await dirs(path.join(volume, cam))).filter((d) => DAY.test(d))) {
      const dayMs = Date.parse(`${day}T00:00:00Z`);
      if (!Number.isFinite(dayMs)) continue;
      visited.add(`${cam}/${dayMs}`);
      const dir = path.join(volume, cam, day);
      const rows = await repo.dayRows(volume, cam, dayMs);
      const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
      const seen = new Set<string>();
      for (const name of names) {
        const file = path.join(dir, name);
        if (isPartName(name)) {
          await unlink(file);
          r.tempRemoved++;
          continue;
        }
        const rel = `${cam}/${day}/${name}`;
        const parsed = parseSegmentRelPath(rel);
        if (!parsed) continue; // not ours: left alone
        seen.add(rel);
        if (rows.has(rel)) {
          r.checked++;
          continue;
        }
        const check = await checkSegmentFile(file);
        if (!check.ok) {
          await unlink(file);
          r.orphansRemoved++;
          log('warn', `recording: reconcile removed ${rel} on ${volume}: ${check.reason}`);
          continue;
        }
        await repo.insert({
          cameraId: parsed.cameraId,
          departmentId: await departmentOf(parsed.cameraId),
          profile: parsed.profile,
          startMs: parsed.startMs,
          endMs: parsed.startMs + Math.round(check.info.durationS * 1000),
          bytes: check.info.bytes,
          volume,
          path: rel,
          kind: 'continuous',
          eventIds: [],
          generation: 0,
        });
        r.orphansIndexed++;
      }
      const gone = [...rows.values()].filter((row) => !row.missing && !seen.has(row.path)).map((row) => row.id);
      r.missingMarked += await repo.markMissing(gone);
      if (!names.length || names.every((n) => isPartName(n))) await rmdir(dir).catch(() => undefined);
    }
  }
  // rows of days whose whole directory is gone
  for (const d of await repo.presentDays(volume))
    if (!visited.has(`${d.cameraId}/${d.dayMs}`))
      r.missingMarked += await repo.markDayMissing(volume, d.cameraId, d.dayMs);
  return r;
}
