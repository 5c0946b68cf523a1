// Fmp4Muxer on real x264/x265 streams: ffprobe and ffmpeg read what it writes (same pictures, same times) and its codec strings are ffmpeg's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Fmp4Error } from '../../transcoder/errors';
import { children, inside, need } from '../../transcoder/fmp4/boxes';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { unescapeRbsp } from '../../transcoder/fmp4/bit-reader';
import {
  accessUnits,
  annexB,
  encodeElementary,
  escapeRbsp,
  nalType,
  nalUnits,
  type ElementarySource,
} from '../helpers/annexb';
import { chunks, FRAG_FLAGS } from '../helpers/fmp4-ffmpeg';

type Read = { inits: InitSegment[]; fragments: Array<Omit<Fragment, 'seq'>>; errors: Error[] };

function read(bytes: Buffer, seed: number): Read {
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
function pictureMd5s(file: string): string[] {
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
function decoderConfig(init: Buffer): Buffer {
  let list = children(init, 0, init.length, 'init');
  for (const type of ['moov', 'trak', 'mdia', 'minf', 'stbl']) list = inside(init, need(list, type, type), type);
  const entry = inside(init, need(list, 'stsd', 'stsd'), 'stsd', 8)[0]!;
  const config = inside(init, entry, entry.type, 78).find((b) => b.type === 'avcC' || b.type === 'hvcC')!;
  return init.subarray(config.start, config.end);
}

interface Probed {
  codec_name: string;
  width: number;
  height: number;
  time_base: string;
}

function ffprobe(file: string): { stream: Probed; packets: Array<{ pts: number; key: boolean }> } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,time_base:packet=pts,flags', '-of', 'json', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const j = JSON.parse(out) as { streams: Probed[]; packets: Array<{ pts: number; flags: string }> };
  assert.equal(j.streams.length, 1);
  return { stream: j.streams[0]!, packets: j.packets.map((p) => ({ pts: p.pts, key: p.flags.startsWith('K') })) };
}

const CASES: Array<{ name: string; src: ElementarySource; codecs: string }> = [
  {
    name: 'H.264 Constrained Baseline 642x362',
    src: { codec: 'h264', profile: 'baseline', size: '642x362', frames: 40, gop: 10 },
    codecs: 'avc1.42c01e',
  },
  {
    name: 'H.264 Main 320x240',
    src: { codec: 'h264', profile: 'main', size: '320x240', frames: 40, gop: 12 },
    codecs: 'avc1.4d400d',
  },
  {
    name: 'H.264 High 1920x1080',
    src: { codec: 'h264', profile: 'high', size: '1920x1080', frames: 16, gop: 8 },
    codecs: 'avc1.640028',
  },
  {
    name: 'H.264 High 4:2:2 642x362',
    src: { codec: 'h264', profile: 'high422', size: '642x362', frames: 20, gop: 10, pixFmt: 'yuv422p' },
    codecs: 'avc1.7a001e',
  },
  {
    name: 'H.264 High 4:4:4 Predictive 642x362',
    src: { codec: 'h264', profile: 'high444', size: '642x362', frames: 20, gop: 10, pixFmt: 'yuv444p' },
    codecs: 'avc1.f4001e',
  },
  {
    name: 'H.265 Main 642x362',
    src: { codec: 'h265', size: '642x362', frames: 40, gop: 10 },
    codecs: 'hvc1.1.6.L63.90',
  },
  {
    name: 'H.265 Main 2560x1440',
    src: { codec: 'h265', size: '2560x1440', frames: 8, gop: 4 },
    codecs: 'hvc1.1.6.L150.90',
  },
  {
    name: 'H.265 Main 10 640x360',
    src: { codec: 'h265', size: '640x360', frames: 20, gop: 10, pixFmt: 'yuv420p10le' },
    codecs: 'hvc1.2.4.L63.90',
  },
];

describe('fmp4: muxer against ffmpeg', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'ce-mux-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [n, c] of CASES.entries())
    it(`${c.name}: ffprobe, framemd5, avcC/hvcC bytes, codec string and FragmentReader agree`, () => {
      const es = encodeElementary(c.src);
      const esFile = path.join(dir, `${n}.${c.src.codec === 'h264' ? 'h264' : 'hevc'}`);
      writeFileSync(esFile, es);
      // extended RTP time crossing 2^32, 25 fps with jitter so that only tfdt can carry the true times
      const t0 = 2 ** 32 - 5 * 3600;
      const aus = accessUnits(c.src.codec, es, (i) => t0 + i * 3600 + (i % 4) * 11);
      assert.equal(aus.length, c.src.frames);
      const muxer = new Fmp4Muxer({ codec: c.src.codec, clockRate: 90000, vps: [], sps: [], pps: [] }, 2);
      let init: InitSegment | undefined;
      const fragments: Array<Omit<Fragment, 'seq'>> = [];
      for (const au of aus) {
        const r = muxer.push(au);
        init ??= r.init;
        if (r.fragment) fragments.push(r.fragment);
      }
      assert.ok(init);
      const mp4 = Buffer.concat([init.data, ...fragments.map((f) => f.data)]);
      const file = path.join(dir, `${n}.mp4`);
      writeFileSync(file, mp4);

      const [w, h] = c.src.size.split('x').map(Number);
      const p = ffprobe(file);
      assert.deepEqual(
        [p.stream.codec_name, p.stream.width, p.stream.height, p.stream.time_base],
        [c.src.codec === 'h264' ? 'h264' : 'hevc', w, h, '1/90000'],
      );
      assert.deepEqual(
        p.packets.map((x) => [x.pts, x.key]),
        aus.map((a) => [a.timestamp - t0, a.keyframe]),
      );
      assert.deepEqual(pictureMd5s(file), pictureMd5s(esFile), 'the same pictures as the elementary stream');

      const theirs = read(
        execFileSync(
          'ffmpeg',
          ['-v', 'error', '-i', esFile, '-c', 'copy', ...(c.src.codec === 'h265' ? ['-tag:v', 'hvc1'] : [])].concat([
            '-f',
            'mp4',
            '-movflags',
            FRAG_FLAGS,
            'pipe:1',
          ]),
          { maxBuffer: 256 * 1024 * 1024 },
        ),
        7,
      );
      assert.equal(theirs.inits[0]!.codecs, c.codecs, "ffmpeg's codec string");
      assert.deepEqual([init.codecs, init.width, init.height], [c.codecs, w, h]);
      assert.equal(
        decoderConfig(init.data).toString('hex'),
        decoderConfig(theirs.inits[0]!.data).toString('hex'),
        'avcC/hvcC as ffmpeg writes it',
      );

      const mine = read(mp4, n + 1);
      assert.deepEqual(mine.errors, []);
      assert.deepEqual(mine.inits, [init]);
      assert.deepEqual(
        mine.fragments.map((f) => [f.keyframe, f.startS, f.durationS, f.data.length, f.generation]),
        fragments.map((f) => [f.keyframe, f.startS, f.durationS, f.data.length, 2]),
      );
      assert.deepEqual(
        mine.fragments.map((f) => Math.round(f.startS * 90000)),
        aus.map((a) => a.timestamp - t0),
      );
    });
  for (const codec of ['h264', 'h265'] as const)
    it(`${codec}: parameter sets only in the SDP (none in band) → the same pictures, decoded from the ${codec === 'h264' ? 'avcC' : 'hvcC'} alone`, () => {
      const es = encodeElementary({ codec, size: '642x362', frames: 20, gop: 10 });
      const esFile = path.join(dir, `sdp-only.${codec === 'h264' ? 'h264' : 'hevc'}`);
      writeFileSync(esFile, es);
      const [vps, sps, pps] = codec === 'h264' ? [-1, 7, 8] : [32, 33, 34];
      const aus = accessUnits(codec, es, (i) => i * 3600);
      const first = aus[0]!.nals;
      const track = {
        codec,
        clockRate: 90000,
        vps: first.filter((n) => nalType(codec, n) === vps),
        sps: first.filter((n) => nalType(codec, n) === sps),
        pps: first.filter((n) => nalType(codec, n) === pps),
      };
      assert.deepEqual([track.sps.length, track.pps.length, track.vps.length], [1, 1, codec === 'h264' ? 0 : 1]);
      const muxer = new Fmp4Muxer(track, 0);
      const parts: Buffer[] = [];
      for (const au of aus) {
        const nals = au.nals.filter((n) => ![vps, sps, pps].includes(nalType(codec, n)));
        const r = muxer.push({ ...au, nals });
        if (r.init) parts.push(r.init.data);
        if (r.fragment) parts.push(r.fragment.data);
      }
      const file = path.join(dir, `sdp-only-${codec}.mp4`);
      writeFileSync(file, Buffer.concat(parts));
      assert.deepEqual(pictureMd5s(file), pictureMd5s(esFile));
      assert.equal(pictureMd5s(file).length, 20);
    });
  it('H.265 whose VPS has another level and fewer compatibility flags than its SPS: hvcC merges them as ffmpeg does', () => {
    // RBSP after the 2-byte header: 4 bytes of VPS fields, then profile_tier_level: 1 byte, compat (4), constraints (6), level
    const es = annexB(
      nalUnits(encodeElementary({ codec: 'h265', size: '642x362', frames: 10, gop: 5 })).map((n) => {
        if (nalType('h265', n) !== 32) return n;
        const rbsp = Buffer.from(unescapeRbsp(n, 0, 'VPS'));
        rbsp.writeUInt32BE(0x40000000, 2 + 5);
        rbsp[2 + 15] = 120;
        return escapeRbsp(rbsp);
      }),
    );
    const esFile = path.join(dir, 'vps.hevc');
    writeFileSync(esFile, es);
    const muxer = new Fmp4Muxer({ codec: 'h265', clockRate: 90000, vps: [], sps: [], pps: [] }, 0);
    const parts: Buffer[] = [];
    for (const au of accessUnits('h265', es, (i) => i * 3600)) {
      const r = muxer.push(au);
      if (r.init) parts.push(r.init.data);
      if (r.fragment) parts.push(r.fragment.data);
    }
    const theirs = read(
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-i',
        esFile,
        '-c',
        'copy',
        '-tag:v',
        'hvc1',
        '-f',
        'mp4',
        '-movflags',
        FRAG_FLAGS,
        'pipe:1',
      ]),
      3,
    ).inits[0]!;
    const mine = read(Buffer.concat(parts), 4).inits[0]!;
    assert.equal(theirs.codecs, 'hvc1.1.2.L120.90');
    assert.equal(mine.codecs, theirs.codecs);
    assert.equal(decoderConfig(mine.data).toString('hex'), decoderConfig(theirs.data).toString('hex'));
    const file = path.join(dir, 'vps.mp4');
    writeFileSync(file, Buffer.concat(parts));
    assert.deepEqual(pictureMd5s(file), pictureMd5s(esFile));
  });

  it('B-frames (RTP timestamps are presentation times, out of order in decode order) → Fmp4Error at the first one', () => {
    // x264 with B-frames into an mp4 (which keeps each picture's presentation time), then its pictures in decode order
    const mp4File = path.join(dir, 'bframes.mp4');
    const args = (line: string) => line.split(' ');
    const encode = args(
      '-v error -f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 12 -pix_fmt yuv420p -c:v libx264 -bf 2 -g 12',
    );
    execFileSync('ffmpeg', [...encode, '-x264-params', 'aud=1', mp4File]);
    const es = execFileSync('ffmpeg', [
      ...args('-v error -i'),
      mp4File,
      ...args('-c copy -bsf:v h264_mp4toannexb -f h264 pipe:1'),
    ]);
    const probed = execFileSync('ffprobe', [...args('-v error -show_entries packet=pts_time -of csv=p=0'), mp4File], {
      encoding: 'utf8',
    });
    // the presentation time of each picture in decode order: what a camera stamps its RTP packets with
    const pts = probed
      .trim()
      .split('\n')
      .map((l) => Math.round(Number(l) * 90000));
    const aus = accessUnits('h264', es, (i) => 90_000 + pts[i]!);
    assert.equal(aus.length, 12);
    const firstBack = pts.findIndex((t, i) => i > 0 && t <= pts[i - 1]!);
    assert.ok(firstBack > 0, `the stream has reordered pictures: ${pts.join(' ')}`);
    const muxer = new Fmp4Muxer({ codec: 'h264', clockRate: 90000, vps: [], sps: [], pps: [] }, 0);
    for (let i = 0; i < firstBack; i++) assert.ok(muxer.push(aus[i]!).fragment);
    assert.throws(
      () => muxer.push(aus[firstBack]!),
      (e: unknown) =>
        e instanceof Fmp4Error &&
        e.message ===
          `transcoder: fmp4: muxer: timestamp ${aus[firstBack]!.timestamp} does not advance past ${aus[firstBack - 1]!.timestamp} (reordered or reset stream)`,
    );
  });
});
