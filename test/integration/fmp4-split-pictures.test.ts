// FragmentReader on ffmpeg's fMP4 of a camera that splits pictures: each picture leaves as one sample, others pay no delay.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { decodeVideo, FRAG_FLAGS, probe } from '../helpers/fmp4-ffmpeg';
import { SimCam } from '../helpers/simcam-rtsp';

type Mode = 'raw' | 'join' | 'assume';
interface Out {
  reader: FragmentReader;
  init: InitSegment | null;
  fragments: Array<Omit<Fragment, 'seq'>>;
  errors: Error[];
}

/** ffmpeg copies 4 s of the camera's H.264 into fMP4 on a pipe; three readers take the same chunks. */
async function capture(cam: SimCam, onChunk?: (outs: Record<Mode, Out>) => void): Promise<Record<Mode, Out>> {
  const outs = {} as Record<Mode, Out>;
  for (const mode of ['raw', 'join', 'assume'] as const) {
    const o: Out = { init: null, fragments: [], errors: [], reader: null as unknown as FragmentReader };
    o.reader = new FragmentReader({
      generation: 0,
      sliceCodec: mode === 'raw' ? null : 'h264',
      assumeSplitPictures: mode === 'assume',
      onInit: (i) => (o.init = i),
      onFragment: (f) => o.fragments.push(f),
      onError: (e) => o.errors.push(e),
    });
    outs[mode] = o;
  }
  const ff = spawn('ffmpeg', [
    ...[
      '-v',
      'error',
      '-nostdin',
      '-rtsp_transport',
      'tcp',
      '-i',
      cam.url(0),
      '-t',
      '4',
      '-map',
      '0:v:0',
      '-c:v',
      'copy',
    ],
    ...['-f', 'mp4', '-movflags', FRAG_FLAGS, '-flush_packets', '1', 'pipe:1'],
  ]);
  let stderr = '';
  ff.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  ff.stdout.on('data', (c: Buffer) => {
    for (const o of Object.values(outs)) o.reader.push(c);
    onChunk?.(outs);
  });
  const code = await new Promise<number | null>((r) => ff.on('close', r));
  assert.equal(code, 0, `ffmpeg: ${stderr}`);
  for (const o of Object.values(outs)) {
    o.reader.end();
    assert.deepEqual(o.errors, []);
  }
  return outs;
}

const joined = (o: Out) => Buffer.concat([o.init!.data, ...o.fragments.map((f) => f.data)]);
/** Dts of key packets closer than 10 ms to the one before: the halves of a split picture. */
const splitKeys = (keys: number[]) => keys.filter((k, i) => i > 0 && k - keys[i - 1]! < 0.01);

describe('fmp4: split pictures rejoined from real ffmpeg output (integration)', function () {
  this.timeout(90_000);
  const open: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  it('a camera repeating parameter sets before every slice: one sample per picture, keyframes a GOP apart', async () => {
    // 640×360: x264's sliced threads make two slices a frame; the camera repeats SPS/PPS before each
    const cam = await SimCam.start({ count: 1, codec: 'h264', repeatParameterSets: true });
    open.push(cam);
    const { raw, join, assume } = await capture(cam);
    const rawProbe = probe(joined(raw));
    const rawKeys = rawProbe.packets.filter((p) => p.key).map((p) => p.dtsS);
    const splits = splitKeys(rawKeys).length;
    // the fault is really there: ffmpeg puts each keyframe's halves in two fragments a tick apart
    assert.ok(splits >= 3, `split keyframes in ffmpeg's own output: ${rawKeys.join(' ')}`);
    const rawBytes = rawProbe.packets.reduce((n, p) => n + p.size, 0);

    // held from the start: every picture whole, the same bytes in fewer samples, each decoded once
    const a = probe(joined(assume));
    const aKeys = a.packets.filter((p) => p.key).map((p) => p.dtsS);
    assert.deepEqual(splitKeys(aKeys), [], `keys ${aKeys.join(' ')}`);
    assert.equal(aKeys.length, rawKeys.length - splits);
    assert.equal(assume.fragments.length, raw.fragments.length - splits);
    assert.equal(
      a.packets.reduce((n, p) => n + p.size, 0),
      rawBytes,
    );
    assert.deepEqual(
      assume.fragments.filter((f) => f.keyframe).map((f) => f.startS.toFixed(4)),
      aKeys.map((k) => k.toFixed(4)),
    );
    const dec = decodeVideo(joined(assume));
    assert.equal(dec.frames, a.packets.length, 'one decoded picture per sample');
    assert.ok(dec.frames < decodeVideo(joined(raw)).frames, 'ffmpeg decodes each half of a split picture as a frame');

    // learned on the way: the first split passes as it came (flagged not a keyframe), every later one is whole
    assert.equal(join.reader.splitPictures, true);
    const j = probe(joined(join));
    const jKeys = j.packets.filter((p) => p.key).map((p) => p.dtsS);
    assert.equal(splitKeys(jKeys).length, 1, `keys ${jKeys.join(' ')}`);
    assert.equal(splitKeys(jKeys.slice(1)).length, 0);
    assert.equal(join.fragments.length, raw.fragments.length - splits + 1);
    const flagged = join.fragments.filter((f) => f.keyframe).map((f) => f.startS);
    for (let i = 1; i < flagged.length; i++)
      assert.ok(flagged[i]! - flagged[i - 1]! > 0.5, `keyframes ${flagged.join(' ')}`);
    assert.equal(decodeVideo(joined(join)).frames, j.packets.length);
    // a merged fragment lasts as long as both halves: the timeline has no gap
    for (let i = 1; i < assume.fragments.length; i++) {
      const [p, f] = [assume.fragments[i - 1]!, assume.fragments[i]!];
      assert.ok(Math.abs(p.startS + p.durationS - f.startS) < 1e-6, `fragment ${i} follows ${i - 1}`);
    }
  });

  it('a camera sending parameter sets once a keyframe: nothing held, the stream passes byte for byte', async () => {
    const cam = await SimCam.start({ count: 1, codec: 'h264', repeatParameterSets: false });
    open.push(cam);
    const lag: number[] = [];
    const { raw, join } = await capture(cam, (o) => lag.push(o.raw.fragments.length - o.join.fragments.length));
    assert.equal(join.reader.splitPictures, false);
    assert.ok(raw.fragments.length > 40);
    // after every chunk the rejoining reader has emitted exactly what the plain one has: no fragment waits
    assert.deepEqual([...new Set(lag)], [0]);
    assert.ok(joined(join).equals(joined(raw)));
    assert.deepEqual(
      splitKeys(
        probe(joined(join))
          .packets.filter((p) => p.key)
          .map((p) => p.dtsS),
      ),
      [],
    );
  });
});
