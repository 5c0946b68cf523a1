// What the HLS packager serves decodes with ffmpeg, frame for frame as encoded: init + segments, init + parts, each segment alone, across runs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { HlsPackager } from '../../transcoder/hls/hls-packager';
import { recordPattern, type Recorded } from '../helpers/fmp4-source';
import { parsePlaylist, type Playlist } from '../helpers/hls-playlist';

/** Decodes an fMP4 byte stream given on stdin; the MD5 of every decoded picture, and what ffmpeg complained about. */
function decode(data: Buffer): Promise<{ md5s: string[]; errors: string }> {
  return new Promise((resolve, reject) => {
    const ff = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', 'pipe:0', '-map', '0:v', '-f', 'framemd5', 'pipe:1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let errors = '';
    ff.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ff.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    ff.stdin.on('error', () => undefined);
    ff.on('error', reject);
    ff.on('close', (code) => {
      const md5s = out
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(',').at(-1)!.trim());
      resolve({ md5s, errors: code === 0 ? errors.trim() : `exit ${code}: ${errors.trim()}` });
    });
    ff.stdin.end(data);
  });
}

describe('hls packager output decodes with ffmpeg', function () {
  this.timeout(90_000);
  let run0: Recorded;
  let run1: Recorded;
  /** MD5s of every frame of each run, decoded straight from the encoder's output. */
  let ref0: string[];
  let ref1: string[];
  let pk: HlsPackager;
  let p: Playlist;

  before(async () => {
    [run0, run1] = await Promise.all([
      recordPattern({ seconds: 8, gopFrames: 25, size: '640x360' }),
      recordPattern({ seconds: 5, gopFrames: 50, size: '640x360' }, 1),
    ]);
    const whole = (r: Recorded): Buffer => Buffer.concat([r.init.data, ...r.fragments.map((f) => f.data)]);
    const [d0, d1] = await Promise.all([decode(whole(run0)), decode(whole(run1))]);
    assert.equal(d0.errors, '');
    assert.equal(d1.errors, '');
    [ref0, ref1] = [d0.md5s, d1.md5s];
    assert.equal(ref0.length, 200);
    assert.equal(ref1.length, 125);
    const hub = new StreamHub('cam.main');
    pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 12 });
    hub.addTap(pk);
    hub.publishInit(run0.init);
    for (const f of run0.fragments) hub.publishFragment(f);
    hub.endRun('ffmpeg exited');
    hub.publishInit(run1.init);
    for (const f of run1.fragments) hub.publishFragment(f);
    p = parsePlaylist((await pk.playlist())!);
  });

  const file = (name: string): Buffer => {
    const b = pk.file(name);
    assert.ok(b, `${name} is served`);
    return b;
  };
  /** Frame offset of each listed segment in its run, from the EXTINF durations. */
  const runs = (): Array<{ init: string; ref: () => string[]; segs: Playlist['segments'] }> => {
    const out: Array<{ init: string; ref: () => string[]; segs: Playlist['segments'] }> = [];
    for (const s of p.segments) {
      const last = out.at(-1);
      if (last && last.init === s.map) last.segs.push(s);
      else out.push({ init: s.map!, ref: s.map === 'init0.mp4' ? () => ref0 : () => ref1, segs: [s] });
    }
    return out;
  };

  it('lists both runs, the second after a discontinuity', () => {
    assert.deepEqual(
      runs().map((r) => [r.init, r.segs.length]),
      [
        ['init0.mp4', 8],
        ['init1.mp4', 2],
      ],
    );
    assert.equal(p.segments[8]!.discontinuity, true);
  });

  it('init + the segments of each run decode without error to the frames encoded', async () => {
    for (const r of runs()) {
      const d = await decode(Buffer.concat([file(r.init), ...r.segs.map((s) => file(s.uri))]));
      assert.equal(d.errors, '', r.init);
      const frames = Math.round(r.segs.reduce((a, s) => a + s.duration, 0) * 25);
      assert.deepEqual(d.md5s, r.ref().slice(0, frames), `${r.init}: ${d.md5s.length} frames decoded`);
    }
  });

  it('init + the parts listed, in order, decode to the same frames as their segments', async () => {
    const withParts = p.segments.filter((s) => s.parts.length > 0);
    assert.ok(withParts.length >= 2, 'parts listed near the edge');
    for (const s of withParts) {
      const init = file(s.map!);
      const [bySeg, byParts] = await Promise.all([
        decode(Buffer.concat([init, file(s.uri)])),
        decode(Buffer.concat([init, ...s.parts.map((x) => file(x.uri))])),
      ]);
      assert.equal(byParts.errors, '', s.uri);
      assert.equal(byParts.md5s.length, Math.round(s.duration * 25));
      assert.deepEqual(byParts.md5s, bySeg.md5s, `${s.uri}: parts and segment decode alike`);
    }
    // The parts of the segment in progress, from its independent first part.
    const cur = p.partial!;
    const d = await decode(Buffer.concat([file(cur.map!), ...cur.parts.map((x) => file(x.uri))]));
    assert.equal(d.errors, '');
    const doneFrames = Math.round(p.segments.filter((s) => s.map === cur.map).reduce((a, s) => a + s.duration, 0) * 25);
    assert.deepEqual(d.md5s, ref1.slice(doneFrames, doneFrames + d.md5s.length));
    assert.equal(d.md5s.length, Math.round(cur.parts.reduce((a, x) => a + x.duration, 0) * 25));
  });

  it('every segment decodes alone after its init (each starts at a keyframe)', async () => {
    for (const r of runs()) {
      let at = 0;
      for (const s of r.segs) {
        const n = Math.round(s.duration * 25);
        const d = await decode(Buffer.concat([file(r.init), file(s.uri)]));
        assert.equal(d.errors, '', s.uri);
        assert.deepEqual(d.md5s, r.ref().slice(at, at + n), `${s.uri}: frames ${at}..${at + n - 1}`);
        at += n;
      }
    }
  });

  it('H.265 (hvc1): init + segments and init + parts decode to the frames encoded', async () => {
    const h265 = await recordPattern({ seconds: 4, gopFrames: 25, codec: 'h265' });
    assert.match(h265.init.codecs, /^hvc1\./);
    const ref = await decode(Buffer.concat([h265.init.data, ...h265.fragments.map((f) => f.data)]));
    assert.equal(ref.md5s.length, 100);
    const hevc = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 6 });
    const hub = new StreamHub('cam.main');
    hub.addTap(hevc);
    hub.publishInit(h265.init);
    for (const f of h265.fragments) hub.publishFragment(f);
    hub.endRun('ffmpeg exited');
    const list = parsePlaylist((await hevc.playlist())!);
    assert.equal(list.segments.length, 4);
    const init = hevc.file('init0.mp4')!;
    const bySegments = await decode(Buffer.concat([init, ...list.segments.map((s) => hevc.file(s.uri)!)]));
    assert.equal(bySegments.errors, '');
    assert.deepEqual(bySegments.md5s, ref.md5s);
    const withParts = list.segments.filter((s) => s.parts.length > 0);
    const byParts = await decode(
      Buffer.concat([init, ...withParts.flatMap((s) => s.parts.map((x) => hevc.file(x.uri)!))]),
    );
    assert.equal(byParts.errors, '');
    assert.deepEqual(byParts.md5s, ref.md5s.slice(100 - byParts.md5s.length));
    assert.ok(byParts.md5s.length >= 50);
  });
});
