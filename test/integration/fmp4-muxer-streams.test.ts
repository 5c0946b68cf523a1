// Fmp4Muxer on real streams with a twist: a VPS that disagrees with its SPS, and B-frames (which the native path refuses).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Fmp4Error } from '../../transcoder/errors';
import { unescapeRbsp } from '../../transcoder/fmp4/bit-reader';
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import { accessUnits, annexB, encodeElementary, escapeRbsp, nalType, nalUnits } from '../helpers/annexb';
import { FRAG_FLAGS } from '../helpers/fmp4-ffmpeg';
import { decoderConfig, pictureMd5s, read } from '../helpers/fmp4-inspect';

describe('fmp4: muxer on streams ffmpeg writes differently', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'ce-mux-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

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
