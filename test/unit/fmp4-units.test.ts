// fMP4 → access units (the cascade's pull, the GB/T 28181 superior's PS): real x264/x265 pictures muxed by the pipeline's own muxer come back as the same
// NAL units, keyframes with the init's parameter sets first, 90 kHz timestamps increasing across two runs.
import assert from 'node:assert/strict';
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import { Fmp4Units } from '../../transcoder/fmp4/units';
import { accessUnits, encodeElementary, nalType } from '../helpers/annexb';

const PARAMETER_SETS = { h264: [7, 8], h265: [32, 33, 34] };

for (const codec of ['h264', 'h265'] as const)
  describe(`fMP4 units (${codec})`, () => {
    const stream = encodeElementary({ codec, size: '320x180', frames: 20, gop: 10 });
    const aus = accessUnits(codec, stream, (i) => 1000 + i * 3600);

    /** One run of the lower platform: its init and fragments, as its live viewers get them. */
    function run(generation: number): { init: Buffer; fragments: Buffer[] } {
      const muxer = new Fmp4Muxer({ codec, clockRate: 90_000, vps: [], sps: [], pps: [] }, generation);
      let init: Buffer | null = null;
      const fragments: Buffer[] = [];
      for (const au of aus) {
        const out = muxer.push(au);
        if (out.init) init = out.init.data;
        if (out.fragment) fragments.push(out.fragment.data);
      }
      return { init: init!, fragments };
    }

    it('gives back every picture: its slices unchanged, parameter sets before keyframes, timestamps in step', () => {
      const { init, fragments } = run(0);
      const units = new Fmp4Units();
      assert.deepEqual(units.fragment(fragments[0]!), [], 'nothing before an init');
      units.init(init);
      const got = fragments.flatMap((f) => units.fragment(f));
      assert.equal(got.length, aus.length);
      got.forEach((au, i) => {
        const slices = au.nals.filter((n) => !PARAMETER_SETS[codec].includes(nalType(codec, n)));
        const sent = aus[i]!.nals.filter((n) => !PARAMETER_SETS[codec].includes(nalType(codec, n)));
        assert.deepEqual(slices, sent, `picture ${i}`);
        assert.equal(au.keyframe, aus[i]!.keyframe);
        if (au.keyframe) assert.ok(PARAMETER_SETS[codec].includes(nalType(codec, au.nals[0]!)), 'sets first');
        assert.equal(au.timestamp, i * 3600, 'the first picture at 0, then 40 ms apart');
        assert.equal(au.codec, codec);
      });
    });

    it('a second run (the lower platform restarted its pull) continues the timeline', () => {
      const units = new Fmp4Units();
      const a = run(0);
      const b = run(1);
      units.init(a.init);
      const first = a.fragments.flatMap((f) => units.fragment(f));
      units.init(b.init);
      const second = b.fragments.flatMap((f) => units.fragment(f));
      const ts = [...first, ...second].map((u) => u.timestamp);
      assert.ok(
        ts.every((t, i) => i === 0 || t > ts[i - 1]!),
        'increasing across runs',
      );
    });

    it('refuses a fragment whose sample runs past its data', () => {
      const { init, fragments } = run(0);
      const units = new Fmp4Units();
      units.init(init);
      const cut = fragments[1]!.subarray(0, fragments[1]!.length - 10);
      assert.throws(() => units.fragment(cut));
    });
  });
