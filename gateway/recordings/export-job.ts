// One clip export's work: per camera, its segments in the range remuxed into one MP4; then a manifest with SHA-256 of each.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { remuxSegments } from '../../transcoder/record/remux';
import type { ExportFile, ExportRecord } from '../db/exports-repo';
import type { SegmentRecord } from '../db/recordings-repo';

/** Where an export's files live: <volume>/exports/<id>/ (ids are digits: never a camera's day directory). */
export function exportDir(e: Pick<ExportRecord, 'volume' | 'id'>): string {
  if (!/^\d{1,18}$/.test(e.id)) throw new Error(`recording: export id ${JSON.stringify(e.id)} rejected`);
  return path.join(e.volume, 'exports', e.id);
}

export const MANIFEST = 'manifest.json';
export const cameraFile = (cameraId: string): string => `camera-${cameraId}.mp4`;
/** The only names an export's directory holds. */
export const EXPORT_FILE = /^(camera-\d{1,18}\.mp4|manifest\.json)$/;

export async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** What the job needs per camera: its department and its present segments in the range with their files. */
export interface ExportCamera {
  cameraId: string;
  departmentId: number | null;
  segments: Array<{ segment: SegmentRecord; file: string }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Runs an export: writes the MP4 of every camera with footage and the manifest; returns the files (manifest last). */
export async function runExport(
  e: ExportRecord,
  cameras: readonly ExportCamera[],
  gapMs: number,
): Promise<ExportFile[]> {
  const dir = exportDir(e);
  await mkdir(dir, { recursive: true });
  const files: ExportFile[] = [];
  const entries: Array<Record<string, unknown>> = [];
  for (const c of cameras) {
    const segs = c.segments;
    const gaps: Array<{ from: string; to: string; seconds: number }> = [];
    segs.forEach((s, i) => {
      const prev = segs[i - 1]?.segment;
      if (prev && s.segment.startMs - prev.endMs > gapMs)
        gaps.push({
          from: iso(prev.endMs),
          to: iso(s.segment.startMs),
          seconds: (s.segment.startMs - prev.endMs) / 1000,
        });
    });
    const entry: Record<string, unknown> = { camera: c.cameraId, departmentId: c.departmentId, gaps };
    if (segs.length) {
      const name = cameraFile(c.cameraId);
      const out = path.join(dir, name);
      await remuxSegments(
        segs.map((s) => ({ file: s.file, durationS: (s.segment.endMs - s.segment.startMs) / 1000 })),
        out,
      );
      const f: ExportFile = { name, cameraId: c.cameraId, bytes: (await stat(out)).size, sha256: await sha256Of(out) };
      files.push(f);
      Object.assign(entry, {
        file: name,
        bytes: f.bytes,
        sha256: f.sha256,
        from: iso(segs[0]!.segment.startMs),
        to: iso(segs.at(-1)!.segment.endMs),
        mediaSeconds: segs.reduce((sum, s) => sum + (s.segment.endMs - s.segment.startMs), 0) / 1000,
        segments: segs.length,
      });
    } else entry.file = null;
    entries.push(entry);
  }
  const manifest = {
    export: e.id,
    requested: { from: iso(e.fromMs), to: iso(e.toMs) },
    note:
      'Each file joins the recorded segments of its camera over the range without re-encoding; footage missing ' +
      'between segments (gaps, wall-clock times) is not in the file and is listed per camera.',
    cameras: entries,
    exportedBy: { kind: e.actorType, id: e.actorId, name: e.actorName, departmentId: e.departmentId },
    reason: e.reason,
    created: e.createdAt,
    expires: e.expiresAt,
  };
  const mpath = path.join(dir, MANIFEST);
  await writeFile(mpath, `${JSON.stringify(manifest, null, 2)}\n`);
  files.push({ name: MANIFEST, cameraId: null, bytes: (await stat(mpath)).size, sha256: await sha256Of(mpath) });
  return files;
}
