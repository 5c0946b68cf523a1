// One clip export's work: per camera, its footage in the range (its segments, or what is read from where it is kept)
// remuxed into one MP4; then a manifest with SHA-256 of each.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { remuxSegments } from '../../transcoder/record/remux';
import type { ExportFile, ExportRecord } from '../db/exports-repo';
import type { RemotePiece } from './remote-footage';

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

/** A file of footage to join and the wall-clock range it holds. */
export interface FootagePiece {
  startMs: number;
  endMs: number;
  file: string;
}

/** What the job needs per camera: its department, its footage in the range (files, oldest first) and where it is kept. */
export interface ExportCamera {
  cameraId: string;
  departmentId: number | null;
  pieces: FootagePiece[];
  /** Where footage kept elsewhere came from (a lower platform, a device); absent for recordings of our own. */
  source?: string;
  /** Pieces kept elsewhere that could not be read (they are gaps of the file). */
  unread?: Array<{ from: string; to: string; reason: string }>;
}

/**
 * Reads pieces of footage kept elsewhere into files under `dir` (one each, as their source sends them): the pieces
 * read, and those that failed with why (the export goes on without them). The caller removes `dir`.
 */
export async function readPieces(
  dir: string,
  pieces: readonly RemotePiece[],
  log: (msg: string) => void,
): Promise<Pick<ExportCamera, 'pieces' | 'unread'>> {
  await mkdir(dir, { recursive: true });
  const read: FootagePiece[] = [];
  const unread: NonNullable<ExportCamera['unread']> = [];
  for (const [i, p] of pieces.entries()) {
    const file = path.join(dir, `piece-${i}.mp4`);
    try {
      await pipeline(Readable.from(p.stream()), createWriteStream(file));
      if ((await stat(file)).size === 0) throw new Error('nothing was sent');
      read.push({ startMs: p.startMs, endMs: p.endMs, file });
    } catch (err) {
      const reason = (err as Error).message.slice(0, 300);
      log(`${p.source}: footage from ${iso(p.startMs)} to ${iso(p.endMs)} not read: ${reason}`);
      unread.push({ from: iso(p.startMs), to: iso(p.endMs), reason });
      await rm(file, { force: true });
    }
  }
  return { pieces: read, unread };
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
    const segs = c.pieces;
    const gaps: Array<{ from: string; to: string; seconds: number }> = [];
    segs.forEach((s, i) => {
      const prev = segs[i - 1];
      if (prev && s.startMs - prev.endMs > gapMs)
        gaps.push({ from: iso(prev.endMs), to: iso(s.startMs), seconds: (s.startMs - prev.endMs) / 1000 });
    });
    const entry: Record<string, unknown> = {
      camera: c.cameraId,
      departmentId: c.departmentId,
      ...(c.source ? { source: c.source } : {}),
      gaps,
      ...(c.unread?.length ? { unread: c.unread } : {}),
    };
    if (segs.length) {
      const name = cameraFile(c.cameraId);
      const out = path.join(dir, name);
      await remuxSegments(
        segs.map((s) => ({ file: s.file, durationS: (s.endMs - s.startMs) / 1000 })),
        out,
      );
      const f: ExportFile = { name, cameraId: c.cameraId, bytes: (await stat(out)).size, sha256: await sha256Of(out) };
      files.push(f);
      Object.assign(entry, {
        file: name,
        bytes: f.bytes,
        sha256: f.sha256,
        from: iso(segs[0]!.startMs),
        to: iso(segs.at(-1)!.endMs),
        mediaSeconds: segs.reduce((sum, s) => sum + (s.endMs - s.startMs), 0) / 1000,
        segments: segs.length,
      });
    } else entry.file = null;
    entries.push(entry);
  }
  const manifest = {
    export: e.id,
    requested: { from: iso(e.fromMs), to: iso(e.toMs) },
    note:
      'Each file joins the recorded segments of its camera over the range without re-encoding (footage kept by a ' +
      'lower platform or a device is read from there, as its source says); footage missing between segments ' +
      '(gaps, wall-clock times) is not in the file and is listed per camera.',
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
