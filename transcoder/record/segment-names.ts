// Where a recorded segment lives: `<cameraId>/<YYYY-MM-DD>/<profile>-<startMs>.mp4` under a recording root, and the checks on it.
import path from 'node:path';
import { TranscoderInputError } from '../errors';

/** Profiles a segment may belong to (same as StreamSpec's). */
export type SegmentProfile = 'main' | 'sub';

/** What a segment's relative path says about it. */
export interface SegmentName {
  cameraId: string;
  profile: SegmentProfile;
  /** Wall-clock start, ms since the epoch (as computed when the segment was opened). */
  startMs: number;
}

const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;
const REL = /^([A-Za-z0-9_-]{1,64})\/(\d{4}-\d{2}-\d{2})\/(main|sub)-(\d{1,15})\.mp4$/;
/** Temporary name of a segment being written: `.<name>.part` beside its final name. */
const PART = /^\.(main|sub)-\d{1,15}\.mp4\.part$/;

/** The relative path (always with '/') of a segment of `cameraId`'s `profile` starting at `startMs`. */
export function segmentRelPath(cameraId: string, profile: SegmentProfile, startMs: number): string {
  if (!CAMERA_ID.test(cameraId))
    throw new TranscoderInputError(`transcoder: record: camera id ${JSON.stringify(cameraId)} rejected`);
  if (!Number.isSafeInteger(startMs) || startMs < 0)
    throw new TranscoderInputError(
      `transcoder: record: segment start ${startMs} is not a whole number of ms since 1970`,
    );
  const day = new Date(startMs).toISOString().slice(0, 10);
  return `${cameraId}/${day}/${profile}-${startMs}.mp4`;
}

/** The temporary name of a segment's final path (same directory, so the rename is atomic). */
export function partPathOf(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.part`);
}

/** True when a file name (no directory) is a segment's temporary name. */
export function isPartName(name: string): boolean {
  return PART.test(name);
}

/** Parses a relative segment path; null when it is not one (wrong shape, traversal, other files). */
export function parseSegmentRelPath(rel: string): SegmentName | null {
  const m = REL.exec(rel);
  if (!m) return null;
  const startMs = Number(m[4]);
  if (!Number.isSafeInteger(startMs) || new Date(startMs).toISOString().slice(0, 10) !== m[2]) return null;
  return { cameraId: m[1]!, profile: m[3] as SegmentProfile, startMs };
}

/**
 * The absolute path of relative segment path `rel` under `root`. Throws TranscoderInputError for anything
 * that is not a segment path (absolute, `..`, backslashes, NUL, other names): no request can reach outside.
 */
export function resolveSegmentPath(root: string, rel: string): string {
  if (typeof rel !== 'string' || !parseSegmentRelPath(rel))
    throw new TranscoderInputError(
      `transcoder: record: segment path ${JSON.stringify(String(rel).slice(0, 200))} rejected`,
    );
  const abs = path.resolve(root, rel);
  const base = path.resolve(root) + path.sep;
  if (!abs.startsWith(base))
    throw new TranscoderInputError(`transcoder: record: segment path ${JSON.stringify(rel)} leaves the recording root`);
  return abs;
}
