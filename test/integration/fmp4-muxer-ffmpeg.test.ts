// Fmp4Muxer on real x264/x265 streams: ffprobe and ffmpeg read what it writes (same pictures, same times) and its codec strings are ffmpeg's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { accessUnits, encodeElementary, nalType, type ElementarySource } from '../helpers/annexb';
import { FRAG_FLAGS } from '../helpers/fmp4-ffmpeg';
import { decoderConfig, ffprobe, pictureMd5s, read } from '../helpers/fmp4-inspect';

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
});
