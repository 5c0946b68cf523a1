// retime on real ffmpeg fragments: tfdt moved per track, two clips joined into one continuous, decodable timeline; bad input refused.
import assert from 'node:assert/strict';
import { Fmp4Error } from '../../transcoder/errors';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import { readInit, type InitInfo } from '../../transcoder/fmp4/init-segment';
import { baseTimes, retime, setSampleDuration } from '../../transcoder/fmp4/retime';
import type { Fragment } from '../../transcoder/fmp4/types';
import { decodeVideo, ffmpegFmp4, probe } from '../helpers/fmp4-ffmpeg';

function split(bytes: Buffer): { info: InitInfo; frags: Array<Omit<Fragment, 'seq'>> } {
  let info: InitInfo | null = null;
  const frags: Array<Omit<Fragment, 'seq'>> = [];
  new FragmentReader({
    generation: 0,
    sliceCodec: null,
    onInit: (i) => (info = readInit(i.data, 0)),
    onFragment: (f) => frags.push(f),
    onError: (e) => assert.fail(e),
  }).push(bytes);
  assert.ok(info && frags.length > 0);
  return { info, frags };
}

describe('fmp4 retime', function () {
  this.timeout(60_000);
  const clip = split(ffmpegFmp4({ codec: 'h264', seconds: 1, fps: 25, gop: 25, audio: true }));
  const { info, frags } = clip;
  const audioId = [...info.tracks.values()].find((t) => t.kind === 'audio')!.id;
  const videoScale = info.tracks.get(info.videoTrackId)!.timescale;
  const audioScale = info.tracks.get(audioId)!.timescale;

  it('moves every track by its own delta, renumbers the moof, and touches nothing else', () => {
    const deltas = new Map([
      [info.videoTrackId, 5 * videoScale],
      [audioId, 5 * audioScale],
    ]);
    // ffmpeg writes one track per fragment here: a video one and an audio one
    const audioFrag = frags.find((x) => baseTimes(x.data).has(audioId))!;
    assert.equal(
      baseTimes(retime(audioFrag.data, deltas)).get(audioId),
      baseTimes(audioFrag.data).get(audioId)! + 5 * 48000,
    );
    const f = frags.filter((x) => baseTimes(x.data).has(info.videoTrackId))[3]!;
    const before = baseTimes(f.data);
    const out = retime(f.data, deltas, 77);
    assert.equal(out.length, f.data.length);
    for (const [track, t] of baseTimes(out)) assert.equal(t, before.get(track)! + deltas.get(track)!);
    // the input is left as it was
    assert.deepEqual(baseTimes(f.data), before);
    // mdat untouched: every byte after the moof is the same
    const moofEnd = out.indexOf(Buffer.from('mdat')) - 4;
    assert.ok(moofEnd > 0);
    assert.ok(out.subarray(moofEnd).equals(f.data.subarray(moofEnd)));
    assert.equal(out.readUInt32BE(out.indexOf(Buffer.from('mfhd')) + 8), 77);
  });

  it('joins two clips into one timeline that ffprobe reads as continuous and ffmpeg decodes cleanly', () => {
    const durS = frags.reduce((s, f) => s + f.durationS, 0);
    const v = Math.round(durS * videoScale);
    const a = Math.round(durS * audioScale);
    const second = frags.map((f, i) =>
      retime(
        f.data,
        new Map([
          [info.videoTrackId, v],
          [audioId, a],
        ]),
        frags.length + i + 1,
      ),
    );
    const joined = Buffer.concat([info.init.data, ...frags.map((f) => f.data), ...second]);
    const video = probe(joined).packets.filter((p) => p.stream === 0);
    assert.equal(video.length, 50);
    // the second clip's frames follow the first's at the same spacing, moved by the first clip's duration
    for (let i = 25; i < 50; i++)
      assert.ok(Math.abs(video[i]!.dtsS - video[i - 25]!.dtsS - durS) < 0.001, `packet ${i}: ${video[i]!.dtsS} s`);
    // no hole and no overlap at the join: the step there is the last frame's duration (25 fps)
    assert.ok(
      Math.abs(video[25]!.dtsS - video[24]!.dtsS - 0.04) < 0.001,
      `join step ${video[25]!.dtsS - video[24]!.dtsS}`,
    );
    const d = decodeVideo(joined);
    assert.equal(d.frames, 50);
    assert.equal(d.errors, '');
  });

  it('refuses a missing track, a time below 0, an overflowing sequence and garbled bytes, with Fmp4Error', () => {
    const f = frags.find((x) => baseTimes(x.data).has(info.videoTrackId))!.data;
    const both = new Map([
      [info.videoTrackId, 0],
      [audioId, 0],
    ]);
    assert.throws(() => retime(f, new Map([[audioId, 0]])), Fmp4Error);
    assert.throws(() => retime(f, new Map([...both, [info.videoTrackId, -1e9]])), /falls below 0/);
    assert.throws(() => retime(f, new Map([...both, [info.videoTrackId, 0.5]])), /whole-tick/);
    assert.throws(() => retime(f, both, 2 ** 33), /sequence/);
    assert.throws(() => retime(f.subarray(0, f.length - 3), both), Fmp4Error);
    assert.throws(() => retime(Buffer.from('not a fragment at all'), both), Fmp4Error);
    assert.throws(() => retime(info.init.data, both), /no moof/);
  });

  it('sets the duration of a one-sample keyframe fragment (keyframes-only playback), refusing anything else', () => {
    const key = frags.find((f) => f.keyframe && baseTimes(f.data).has(info.videoTrackId))!;
    const long = setSampleDuration(key.data, info.videoTrackId, 3 * videoScale);
    assert.equal(long.length, key.data.length);
    const seen: number[] = [];
    new FragmentReader({
      generation: 0,
      sliceCodec: null,
      onInit: () => undefined,
      onFragment: (f) => seen.push(f.durationS),
      onError: (e) => assert.fail(e),
    }).push(Buffer.concat([info.init.data, long]));
    assert.deepEqual(seen, [3]);
    assert.throws(() => setSampleDuration(key.data, audioId, 100), /no sample duration/);
    assert.throws(() => setSampleDuration(key.data, info.videoTrackId, 0), /out of range/);
    assert.throws(() => setSampleDuration(key.data.subarray(0, 20), info.videoTrackId, 100), Fmp4Error);
  });
});
