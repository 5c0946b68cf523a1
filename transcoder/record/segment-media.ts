// A recorded segment file as media: its init (ftyp + moov) and its fragments with times, for playback and HLS of footage.
import { readFile, stat } from 'node:fs/promises';
import { Fmp4Error } from '../errors';
import { children } from '../fmp4/boxes';
import { FragmentReader } from '../fmp4/fragment-reader';
import { readInit, type InitInfo } from '../fmp4/init-segment';
import { baseTimes } from '../fmp4/retime';

/** One moof + mdat of a segment file. */
export interface MediaFragment {
  data: Buffer;
  /** Holds video samples (else audio only). */
  video: boolean;
  keyframe: boolean;
  /** Decode time of its first sample (video: of the video track), seconds. */
  startS: number;
  /** Duration of its video samples, seconds (0 for audio). */
  durationS: number;
  /** Decode time of its first sample per track, in the track's ticks. */
  bases: Map<number, number>;
}

export interface SegmentMedia {
  init: Buffer;
  info: InitInfo;
  fragments: MediaFragment[];
}

/** Bytes of ftyp + moov at the head of a segment file, and what follows (its fragments). Fmp4Error otherwise. */
export function splitInit(data: Buffer): { init: Buffer; fragments: Buffer } {
  let end = -1;
  for (const b of children(data, 0, Math.min(data.length, firstMoofEnd(data)), 'segment'))
    if (b.type === 'moov') {
      end = b.end;
      break;
    }
  if (end < 0) throw new Fmp4Error('transcoder: record: segment has no moov before its first fragment');
  return { init: data.subarray(0, end), fragments: data.subarray(end) };
}

/** Where the boxes before the first moof end (the whole buffer when there is none), reading only box headers. */
function firstMoofEnd(data: Buffer): number {
  let p = 0;
  while (p + 8 <= data.length) {
    const size = data.readUInt32BE(p);
    if (data.toString('latin1', p + 4, p + 8) === 'moof' || size < 8) return p;
    p += size;
  }
  return Math.min(p, data.length);
}

/** Reads a segment file (at most `maxBytes`): init, then every fragment with its times. Throws for anything else. */
export async function readSegmentMedia(file: string, maxBytes = 512 * 1024 * 1024): Promise<SegmentMedia> {
  const st = await stat(file);
  if (!st.isFile() || st.size > maxBytes)
    throw new Fmp4Error(`transcoder: record: ${file} is not a segment file of at most ${maxBytes} bytes`);
  return parseSegmentMedia(await readFile(file), file);
}

/** The init and fragments of a segment file's bytes; `name` is used in errors. */
export function parseSegmentMedia(data: Buffer, name: string): SegmentMedia {
  let info: InitInfo | null = null;
  let error: Error | null = null;
  const fragments: MediaFragment[] = [];
  const reader = new FragmentReader({
    generation: 0,
    sliceCodec: null,
    onInit: (i) => {
      if (info) error ??= new Fmp4Error(`transcoder: record: ${name}: a second init segment`);
      else info = readInit(i.data, 0);
    },
    onFragment: (f) => {
      const bases = baseTimes(f.data);
      fragments.push({
        data: f.data,
        video: bases.has(info!.videoTrackId),
        keyframe: f.keyframe,
        startS: f.startS,
        durationS: f.durationS,
        bases,
      });
    },
    onError: (e) => (error ??= e),
  });
  reader.push(data);
  reader.end();
  if (error) throw error;
  const got = info as InitInfo | null;
  if (!got) throw new Fmp4Error(`transcoder: record: ${name}: no init segment`);
  if (!fragments.some((f) => f.video)) throw new Fmp4Error(`transcoder: record: ${name}: no video fragment`);
  return { init: got.init.data, info: got, fragments };
}
