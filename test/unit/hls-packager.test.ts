// HlsPackager fed real ffmpeg fragments through FragmentReader and StreamHub: segments, parts and playlists by the LL-HLS rules.
import assert from 'node:assert/strict';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { HlsPackager } from '../../transcoder/hls/hls-packager';
import { recordPattern, type Recorded } from '../helpers/fmp4-source';
import { llHlsViolations, parsePlaylist, reloadViolations, type Playlist } from '../helpers/hls-playlist';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

/** Publishes a recorded run into `hub` as if it arrived live from T0 + offsetMs (receivedAt = end of each frame). */
function publish(hub: StreamHub, rec: Recorded, offsetMs = 0, each?: () => void): void {
  hub.publishInit(rec.init);
  for (const f of rec.fragments) {
    hub.publishFragment({ ...f, receivedAt: T0 + offsetMs + Math.round((f.startS + f.durationS) * 1000) });
    each?.();
  }
}

async function playlistOf(pk: HlsPackager): Promise<Playlist> {
  const text = await pk.playlist();
  assert.ok(text, 'a playlist');
  return parsePlaylist(text);
}

describe('hls packager: segments and parts from real fragments', function () {
  this.timeout(60_000);
  let gop1s: Recorded;
  let gop04s: Recorded;
  let gop2s: Recorded;
  let irregular: Recorded;
  let run1: Recorded;

  before(async () => {
    [gop1s, gop04s, gop2s, irregular, run1] = await Promise.all([
      recordPattern({ seconds: 8, gopFrames: 25 }),
      recordPattern({ seconds: 6, gopFrames: 10 }),
      recordPattern({ seconds: 10, gopFrames: 50 }),
      recordPattern({ seconds: 8, keyframesAt: [0, 0.4, 1.6, 4.4, 4.6, 6] }),
      recordPattern({ seconds: 4, gopFrames: 25 }, 1),
    ]);
  });

  const cases = [
    {
      name: '1 s GOP, 1 s target: one GOP a segment',
      rec: () => gop1s,
      target: 1,
      durations: [1, 1, 1, 1, 1, 1, 1],
      td: 1,
    },
    {
      name: '0.4 s GOP, 1 s target: short GOPs join the next',
      rec: () => gop04s,
      target: 1,
      durations: [1.2, 1.2, 1.2, 1.2],
      td: 2,
    },
    {
      name: '2 s GOP, 1 s target: the segment ends at the next keyframe',
      rec: () => gop2s,
      target: 1,
      durations: [2, 2, 2, 2],
      td: 2,
    },
    { name: 'irregular keyframes', rec: () => irregular, target: 1, durations: [1.6, 2.8, 1.6], td: 3 },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const hub = new StreamHub('cam.main');
      const pk = new HlsPackager({ targetSegmentS: c.target, partTargetS: 0.2, listSize: 10 });
      hub.addTap(pk);
      publish(hub, c.rec());
      const p = await playlistOf(pk);
      assert.deepEqual(llHlsViolations(p), []);
      assert.deepEqual(
        p.segments.map((s) => Number(s.duration.toFixed(3))),
        c.durations,
      );
      assert.equal(p.targetDuration, c.td);
      assert.equal(p.partTarget, 0.22, 'five 40 ms frames + 10 %');
      // Every segment's bytes are its fragments, in order, from a keyframe; its parts are the same bytes.
      let at = 0;
      const frags = c.rec().fragments;
      for (const s of p.segments) {
        const seg = pk.file(s.uri)!;
        assert.ok(seg, s.uri);
        const n = Math.round(s.duration * 25);
        assert.ok(frags[at]!.keyframe, `${s.uri} starts at a keyframe`);
        assert.ok(
          seg.equals(Buffer.concat(frags.slice(at, at + n).map((f) => f.data))),
          `${s.uri} holds its fragments`,
        );
        at += n;
        if (s.parts.length > 0) {
          const parts = s.parts.map((x) => pk.file(x.uri)!);
          assert.ok(Buffer.concat(parts).equals(seg), `${s.uri}: parts concatenate to the segment`);
          assert.deepEqual(
            s.parts.map((x) => x.independent),
            s.parts.map(
              (_, i) =>
                frags[at - n + Math.round(s.parts.slice(0, i).reduce((a, b) => a + b.duration, 0) * 25)]!.keyframe,
            ),
            `${s.uri}: INDEPENDENT exactly where a part starts at a keyframe`,
          );
        }
      }
      // The GOP in progress is listed as parts, with the hint of the next one.
      assert.ok(p.partial && p.partial.parts.length > 0, 'parts of the segment in progress');
      assert.equal(p.preloadHint, `part${p.partial.msn}.${p.partial.parts.length}.m4s`);
    });

  it('parts hold a whole number of frames at any frame rate, and keep to PART-TARGET under timestamp jitter', async () => {
    const [slow, jittery] = await Promise.all([
      recordPattern({ seconds: 6, fps: 12.5, gopFrames: 25 }),
      recordPattern({ seconds: 6, gopFrames: 25, jitter: 0.1 }),
    ]);
    const durations = jittery.fragments.map((f) => f.durationS);
    assert.ok(Math.max(...durations) - Math.min(...durations) > 0.008, 'the jittery source jitters');
    for (const [rec, framesPerPart, partTarget] of [
      [slow, 2, 0.176], // 0.2 s holds two 80 ms frames: PART-TARGET 2 × 0.08 + 10 %
      [jittery, 5, 0.22],
    ] as const) {
      const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 10 });
      pk.init(rec.init);
      rec.fragments.forEach((f, i) => pk.fragment({ ...f, seq: i }));
      const p = await playlistOf(pk);
      assert.deepEqual(llHlsViolations(p), []);
      assert.equal(p.partTarget, partTarget);
      let checked = 0;
      for (const s of [...p.segments, p.partial!])
        s.parts.forEach((part, i) => {
          const frames = pk.file(part.uri)!.toString('latin1').split('moof').length - 1;
          const last = s === p.partial ? false : i === s.parts.length - 1;
          // The last part of a segment ends at the keyframe, whatever it holds.
          if (last) assert.ok(frames <= framesPerPart, part.uri);
          else assert.equal(frames, framesPerPart, `${part.uri}: ${frames} fragments, ${part.duration} s`);
          checked++;
        });
      assert.ok(checked >= 10);
    }
  });

  it('lists parts only near the live edge, and full segments for every player', async () => {
    const hub = new StreamHub('cam.main');
    const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 6 });
    hub.addTap(pk);
    publish(hub, gop1s);
    const p = await playlistOf(pk);
    assert.equal(p.segments.length, 6);
    assert.equal(p.mediaSequence, 1, 'seven complete segments, the oldest dropped');
    // Parts are listed for the segments ending less than 3 target durations (3 s) before the edge:
    // the GOP in progress (1 s) and the last two segments.
    assert.deepEqual(
      p.segments.map((s) => s.parts.length > 0),
      [false, false, false, false, true, true],
    );
    for (const s of p.segments)
      assert.equal(s.parts.length === 0 || s.parts.length === 5, true, `${s.uri}: 5 parts of 0.2 s`);
  });

  it('added to a running hub mid-GOP, it starts with the GOP the hub holds', async () => {
    const hub = new StreamHub('cam.main');
    hub.publishInit(gop1s.init);
    gop1s.fragments.slice(0, 37).forEach((f) => hub.publishFragment(f));
    const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 10 });
    hub.addTap(pk);
    gop1s.fragments.slice(37).forEach((f) => hub.publishFragment(f));
    const p = await playlistOf(pk);
    assert.deepEqual(llHlsViolations(p), []);
    assert.equal(p.segments[0]!.uri, 'seg0.m4s');
    assert.ok(pk.file('seg0.m4s')!.equals(Buffer.concat(gop1s.fragments.slice(25, 50).map((f) => f.data))));
    assert.equal(p.segments.length, 6, 'GOPs 1..6 complete, GOP 7 in progress');
  });

  it('program date-time follows the arrival of the frames', async () => {
    const hub = new StreamHub('cam.main');
    const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 10 });
    hub.addTap(pk);
    publish(hub, gop1s, 5000);
    const p = await playlistOf(pk);
    p.segments.forEach((s, i) => assert.equal(s.pdt, T0 + 5000 + i * 1000, s.uri));
  });

  it('a new run: discontinuity, its own EXT-X-MAP, names and numbers go on, old init dropped with its segments', async () => {
    const hub = new StreamHub('cam.main');
    const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 5 });
    hub.addTap(pk);
    publish(hub, gop1s);
    const before = await playlistOf(pk);
    hub.endRun('ffmpeg exited');
    const ended = await playlistOf(pk);
    assert.equal(ended.segments.at(-1)!.msn, 7, 'the GOP in progress closed as segment 7');
    assert.equal(ended.partial, null);
    publish(hub, run1, 20_000);
    const after = await playlistOf(pk);
    assert.deepEqual(llHlsViolations(after), []);
    assert.deepEqual(reloadViolations(before, ended), []);
    assert.deepEqual(reloadViolations(ended, after), []);
    const first1 = after.segments.find((s) => s.map === 'init1.mp4')!;
    assert.equal(first1.msn, 8, 'media sequence continues across runs');
    assert.equal(first1.discontinuity, true);
    assert.equal(first1.uri, 'seg8.m4s');
    assert.equal(first1.dsn, after.segments[0]!.dsn + 1);
    assert.ok(pk.file('init1.mp4')!.equals(run1.init.data));
    assert.ok(pk.file('init0.mp4')!.equals(gop1s.init.data), 'init0 still referenced');
    // More of run 1 rotates run 0 out: its init goes, the discontinuity sequence counts the dropped tag.
    hub.endRun('ffmpeg exited');
    publish(hub, {
      ...run1,
      init: { ...run1.init, generation: 2 },
      fragments: run1.fragments.map((f) => ({ ...f, generation: 2 })),
    });
    const later = await playlistOf(pk);
    assert.deepEqual(reloadViolations(after, later), []);
    assert.ok(later.segments.every((s) => s.map !== 'init0.mp4'));
    assert.equal(pk.file('init0.mp4'), null);
    assert.equal(pk.file('seg0.m4s'), null);
    assert.equal(later.discontinuitySequence, 1);
    assert.deepEqual(
      later.segments.map((s) => s.dsn),
      later.segments.map((s) => (s.map === 'init1.mp4' ? 1 : 2)),
    );
  });

  it('a new init without endRun is a new run too; a repeated init is not', async () => {
    const pk = new HlsPackager({ targetSegmentS: 1, partTargetS: 0.2, listSize: 10 });
    pk.init(gop1s.init);
    gop1s.fragments.slice(0, 60).forEach((f, i) => pk.fragment({ ...f, seq: i }));
    pk.init(gop1s.init); // the hub hands the current init again to a tap it adds
    gop1s.fragments.slice(60, 80).forEach((f, i) => pk.fragment({ ...f, seq: 60 + i }));
    const p1 = await playlistOf(pk);
    assert.deepEqual(
      p1.segments.map((s) => s.discontinuity),
      [false, false, false],
    );
    pk.init(run1.init);
    run1.fragments.forEach((f, i) => pk.fragment({ ...f, seq: 100 + i }));
    const p2 = await playlistOf(pk);
    assert.deepEqual(
      p2.segments.map((s) => `${s.map}${s.discontinuity ? '|' : ''}`),
      ['init0.mp4', 'init0.mp4', 'init0.mp4', 'init0.mp4', 'init1.mp4|', 'init1.mp4', 'init1.mp4'],
    );
  });
});
