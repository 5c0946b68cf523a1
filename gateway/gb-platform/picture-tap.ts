// A lossless tap on a camera's live fMP4 that hands on its pictures as H.264 access units (NAL units, 90 kHz PTS),
// with the init's SPS/PPS before each keyframe: what a GB/T 28181 superior gets as PS from the one shared pull.
import { children } from '../../transcoder/fmp4/boxes';
import { readFragment } from '../../transcoder/fmp4/fragment';
import { readInit, type InitInfo } from '../../transcoder/fmp4/init-segment';
import type { Fragment, InitSegment, Tap } from '../../transcoder/index';
import type { VideoAccessUnit } from '../gb28181/index';

/** SPS and PPS of an init's avcC, and its NAL length size; null when the init is not H.264. */
export function avcParameterSets(init: Buffer): { sets: Buffer[]; lengthSize: number } | null {
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 4) return null;
  let p = at + 4;
  const lengthSize = (init[p + 4]! & 3) + 1;
  p += 5;
  const sets: Buffer[] = [];
  for (const mask of [0x1f, 0xff]) {
    const n = init[p++]! & mask;
    for (let i = 0; i < n; i++) {
      const len = init.readUInt16BE(p);
      sets.push(Buffer.from(init.subarray(p + 2, p + 2 + len)));
      p += 2 + len;
    }
  }
  return { sets, lengthSize };
}

/** Splits a length-prefixed sample into its NAL units (bounded by the sample). */
function nalsOf(sample: Buffer, lengthSize: number): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p + lengthSize <= sample.length) {
    const len = sample.readUIntBE(p, lengthSize);
    p += lengthSize;
    if (len === 0 || p + len > sample.length) break;
    out.push(sample.subarray(p, p + len));
    p += len;
  }
  return out;
}

export class PictureTap implements Tap {
  private info: InitInfo | null = null;
  private avc: { sets: Buffer[]; lengthSize: number } | null = null;
  private sentKey = false;

  constructor(
    private readonly onPicture: (au: VideoAccessUnit) => void,
    private readonly onEnd: (why: string) => void,
  ) {}

  init(init: InitSegment): void {
    this.avc = init.videoCodec === 'h264' ? avcParameterSets(init.data) : null;
    this.info = this.avc ? readInit(init.data, init.generation) : null;
    if (!this.avc) this.onEnd(`the camera sends ${init.videoCodec}, not H.264`);
  }

  fragment(f: Fragment): void {
    const info = this.info;
    const avc = this.avc;
    if (!info || !avc) return;
    const moof = children(f.data, 0, f.data.length, 'fragment').find((b) => b.type === 'moof');
    if (!moof) return;
    const run = readFragment(f.data, moof, info).video;
    const ts = info.tracks.get(info.videoTrackId)?.timescale ?? 90_000;
    if (!run) return;
    let t = run.baseTime;
    for (const s of run.samples) {
      const keyframe = (s.flags & 0x10000) === 0;
      const nals = s.offset >= 0 ? nalsOf(f.data.subarray(s.offset, s.offset + s.size), avc.lengthSize) : [];
      const pts = Math.round(((t + s.cts) * 90_000) / ts);
      t += s.duration;
      if (!nals.length || (!this.sentKey && !keyframe)) continue;
      this.sentKey = true;
      this.onPicture({ codec: 'h264', nals: keyframe ? [...avc.sets, ...nals] : nals, pts, keyframe });
    }
  }

  end(reason: string): void {
    this.onEnd(reason);
  }
}
