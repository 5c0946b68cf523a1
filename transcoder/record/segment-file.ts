// Reads a segment file back (reconciliation of orphans): its init and fragments, checked complete and keyframe-first.
import { readFile, stat } from 'node:fs/promises';
import { FragmentReader } from '../fmp4/fragment-reader';

/** What a readable segment file holds. */
export interface SegmentFileInfo {
  bytes: number;
  fragments: number;
  videoCodec: 'h264' | 'h265';
  /** Media time covered, seconds (first fragment's start to the last one's end). */
  durationS: number;
}

/** A readable segment, or why the file is not one. */
export type SegmentFileCheck = { ok: true; info: SegmentFileInfo } | { ok: false; reason: string };

/**
 * Reads `file` (at most `maxBytes`, default 512 MiB) and checks it is one init segment followed by whole
 * fragments, the first a keyframe, with no trailing bytes. Never throws: `{ ok: false, reason }` names the file
 * and what is wrong (unreadable, garbled, incomplete).
 */
export async function checkSegmentFile(file: string, maxBytes = 512 * 1024 * 1024): Promise<SegmentFileCheck> {
  try {
    return { ok: true, info: await read(file, maxBytes) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

async function read(file: string, maxBytes: number): Promise<SegmentFileInfo> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`transcoder: record: ${file} is not a file`);
  if (st.size > maxBytes) throw new Error(`transcoder: record: ${file} has ${st.size} bytes, over ${maxBytes}`);
  const data = await readFile(file);
  let codec: 'h264' | 'h265' | null = null;
  let used = 0;
  let first: { startS: number; keyframe: boolean } | null = null;
  let lastEndS = 0;
  let fragments = 0;
  let error: string | null = null;
  const reader = new FragmentReader({
    generation: 0,
    sliceCodec: null,
    onInit: (init) => {
      if (codec) error ??= 'a second init segment';
      codec = init.videoCodec;
      used += init.data.length;
    },
    onFragment: (f) => {
      first ??= { startS: f.startS, keyframe: f.keyframe };
      lastEndS = f.startS + f.durationS;
      fragments++;
      used += f.data.length;
    },
    onError: (e) => {
      error ??= e.message;
    },
  });
  reader.push(data);
  const bad = (why: string): never => {
    throw new Error(`transcoder: record: ${file}: ${why}`);
  };
  if (error) bad(error);
  if (!codec) bad('no init segment');
  const f0 = first as { startS: number; keyframe: boolean } | null;
  if (!f0 || fragments === 0) return bad('no fragment');
  if (!f0.keyframe) bad('does not start at a keyframe');
  if (used !== data.length) bad(`${data.length - used} trailing bytes (an incomplete fragment)`);
  return { bytes: data.length, fragments, videoCodec: codec!, durationS: Math.max(0, lastEndS - f0.startS) };
}
