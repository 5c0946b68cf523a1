// What ffmpeg and the fMP4 reader make of an fMP4 the muxer wrote: the reader's output, decoded pictures' md5s, ffprobe's stream and packets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { children, inside, need } from '../../transcoder/fmp4/boxes';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { chunks } from './fmp4-ffmpeg';

export type Read = { inits: InitSegment[]; fragments: Array<Omit<Fragment, 'seq'>>; errors: Error[] };

export function read(bytes: Buffer, seed: number): Read {
  const out: Read = { inits: [], fragments: [], errors: [] };
  const r = new FragmentReader({
    generation: 2,
    sliceCodec: null,
    onInit: (i) => out.inits.push(i),
    onFragment: (f) => out.fragments.push(f),
    onError: (e) => out.errors.push(e),
  });
  for (const c of chunks(bytes, seed)) r.push(c);
  return out;
}

/** The md5 of each decoded picture (framemd5's last column), in output order. */
export function pictureMd5s(file: string): string[] {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split('\n')
    .filter((l) => /^\d+,/.test(l))
    .map((l) => l.split(',').pop()!.trim());
}

/** The avcC or hvcC box of an init segment (moov/trak/mdia/minf/stbl/stsd/<entry>/<config>), bytes as written. */
export function decoderConfig(init: Buffer): Buffer {
  let list = children(init, 0, init.length, 'init');
  for (const type of ['moov', 'trak', 'mdia', 'minf', 'stbl']) list = inside(init, need(list, type, type), type);
  const entry = inside(init, need(list, 'stsd', 'stsd'), 'stsd', 8)[0]!;
  const config = inside(init, entry, entry.type, 78).find((b) => b.type === 'avcC' || b.type === 'hvcC')!;
  return init.subarray(config.start, config.end);
}

export interface Probed {
  codec_name: string;
  width: number;
  height: number;
  time_base: string;
}

export function ffprobe(file: string): { stream: Probed; packets: Array<{ pts: number; key: boolean }> } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,time_base:packet=pts,flags', '-of', 'json', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const j = JSON.parse(out) as { streams: Probed[]; packets: Array<{ pts: number; flags: string }> };
  assert.equal(j.streams.length, 1);
  return { stream: j.streams[0]!, packets: j.packets.map((p) => ({ pts: p.pts, key: p.flags.startsWith('K') })) };
}
