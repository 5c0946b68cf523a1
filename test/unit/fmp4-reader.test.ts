// FragmentReader on real ffmpeg fMP4 cut into random chunks: codec strings, sizes, keyframes and times as ffprobe sees them.
import assert from 'node:assert/strict';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import { parseInit } from '../../transcoder/fmp4/init-segment';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { chunks, decodeVideo, ffmpegFmp4, keyFrames, probe, type Fmp4Source } from '../helpers/fmp4-ffmpeg';

type Out = { init: InitSegment | null; fragments: Array<Omit<Fragment, 'seq'>>; errors: Error[] };

function read(buf: Buffer, seed: number, max?: number): Out {
  const out: Out = { init: null, fragments: [], errors: [] };
  const r = new FragmentReader({
    generation: 3,
    sliceCodec: null,
    onInit: (i) => {
      assert.equal(out.init, null, 'one init per run');
      out.init = i;
    },
    onFragment: (f) => out.fragments.push(f),
    onError: (e) => out.errors.push(e),
  });
  for (const c of chunks(buf, seed, max)) r.push(c);
  return out;
}

// profile_idc of the names ffprobe prints
const H264_PROFILE: Record<string, number> = { 'Constrained Baseline': 66, Baseline: 66, Main: 77, High: 100 };

const CASES: Array<{ name: string; src: Fmp4Source; codecs: RegExp }> = [
  { name: 'H.264 High', src: { codec: 'h264', profile: 'high' }, codecs: /^avc1\.64[0-9a-f]{4}$/ },
  {
    name: 'H.264 Constrained Baseline',
    src: { codec: 'h264', profile: 'baseline' },
    codecs: /^avc1\.42c0[0-9a-f]{2}$/,
  },
  { name: 'H.265 hvc1', src: { codec: 'h265', tag: 'hvc1' }, codecs: /^hvc1\.1\.6\.L\d+\.90$/ },
  { name: 'H.265 hev1', src: { codec: 'h265', tag: 'hev1' }, codecs: /^hev1\.1\.6\.L\d+\.90$/ },
  { name: 'H.264 with AAC-LC', src: { codec: 'h264', audio: true }, codecs: /^avc1\.64[0-9a-f]{4},mp4a\.40\.2$/ },
];

describe('fmp4: FragmentReader on real ffmpeg output', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    describe(c.name, () => {
      const buf = ffmpegFmp4({ ...c.src, seconds: 2, gop: 25 });
      const p = probe(buf);
      const video = p.streams.find((s) => s.codec_type === 'video')!;
      const vpk = p.packets.filter((x) => x.stream === video.index);

      it('init: codec string, size and timescale as ffprobe reports them', () => {
        const { init, errors } = read(buf, 1);
        assert.deepEqual(errors, []);
        assert.ok(init);
        assert.match(init.codecs, c.codecs);
        assert.equal(init.mime, `video/mp4; codecs="${init.codecs}"`);
        assert.equal(init.generation, 3);
        assert.equal(init.videoCodec, video.codec_name === 'hevc' ? 'h265' : 'h264');
        assert.equal(init.width, video.width);
        assert.equal(init.height, video.height);
        assert.equal(`1/${init.timescale}`, video.time_base);
        const level = init.codecs.split(',')[0]!;
        if (init.videoCodec === 'h264') {
          assert.equal(parseInt(level.slice(5, 7), 16), H264_PROFILE[video.profile!], `profile ${video.profile}`);
          assert.equal(parseInt(level.slice(9, 11), 16), video.level);
        } else {
          assert.equal(video.profile, 'Main');
          assert.equal(Number(/\.L(\d+)/.exec(level)![1]), video.level);
        }
        // the init is ftyp + moov byte for byte, and parseInit alone agrees with the reader
        assert.equal(init.data.readUInt32BE(4), 0x66747970);
        assert.deepEqual(parseInit(init.data, 3), init);
      });

      for (const seed of [2, 3, 4]) {
        it(`random chunks (seed ${seed}): lossless, one fragment per packet, keyframes and times per ffprobe`, () => {
          const { init, fragments, errors } = read(buf, seed, seed === 4 ? 7 : 5000);
          assert.deepEqual(errors, []);
          // ffmpeg ends the file with an mfra (random-access index, its size in the last 4 bytes): dropped
          const mfra = buf.length - buf.readUInt32BE(buf.length - 4);
          assert.equal(buf.toString('latin1', mfra + 4, mfra + 8), 'mfra');
          const joined = Buffer.concat([init!.data, ...fragments.map((f) => f.data)]);
          assert.ok(joined.equals(buf.subarray(0, mfra)), 'init + fragments = input');
          assert.equal(fragments.length, p.packets.length);
          const vf = fragments.filter((f) => f.durationS > 0);
          assert.equal(vf.length, vpk.length);
          vf.forEach((f, i) => {
            assert.equal(f.keyframe, vpk[i]!.key, `fragment ${i} keyframe`);
            assert.ok(Math.abs(f.startS - vpk[i]!.dtsS) < 1e-6, `fragment ${i}: ${f.startS} vs ${vpk[i]!.dtsS}`);
            assert.equal(f.generation, 3);
            assert.ok(f.receivedAt > Date.now() - 60_000 && f.receivedAt <= Date.now());
          });
          assert.equal(vf.filter((f) => f.keyframe).length, 2, 'two GOPs of 25 frames');
          for (let i = 1; i < vf.length; i++)
            assert.ok(Math.abs(vf[i - 1]!.startS + vf[i - 1]!.durationS - vf[i]!.startS) < 0.03, `contiguous at ${i}`);
        });
      }

      it("keyframe flags match the decoder's key_frame of each picture (no B-frames: decode order = output order)", () => {
        const { fragments } = read(buf, 6);
        const decoded = keyFrames(buf);
        assert.deepEqual(
          fragments.filter((f) => f.durationS > 0).map((f) => f.keyframe),
          decoded,
        );
        assert.equal(decoded.filter(Boolean).length, 2);
      });

      it('every fragment decodes, from the start and from the second keyframe on', () => {
        const { init, fragments } = read(buf, 5);
        const all = decodeVideo(Buffer.concat([init!.data, ...fragments.map((f) => f.data)]));
        assert.equal(all.frames, vpk.length);
        assert.equal(all.errors, '');
        const k = fragments.findIndex((f, i) => f.keyframe && i > 0);
        const tail = fragments.slice(k);
        const warm = decodeVideo(Buffer.concat([init!.data, ...tail.map((f) => f.data)]));
        assert.equal(warm.frames, tail.filter((f) => f.durationS > 0).length);
        assert.equal(warm.errors, '');
      });
    });
  }
});
