// Blocking playlist reload of the HLS packager (RFC 8216bis 6.2.5.2): waits for the part, times out, refuses the far future, aborts.
import assert from 'node:assert/strict';
import { TranscoderInputError } from '../../transcoder/errors';
import type { Fragment } from '../../transcoder/fmp4/types';
import { HlsPackager } from '../../transcoder/hls/hls-packager';
import { parseHlsQuery } from '../../transcoder/hls/request';
import { recordPattern, type Recorded } from '../helpers/fmp4-source';
import { llHlsViolations, parsePlaylist } from '../helpers/hls-playlist';

/** A packager and a cursor over a recorded run, fed one fragment at a time. */
function feeder(rec: Recorded, opts = { targetSegmentS: 1, partTargetS: 0.2, listSize: 6 }) {
  const pk = new HlsPackager(opts);
  pk.init(rec.init);
  let i = 0;
  const next = (n = 1): void => {
    for (let k = 0; k < n; k++, i++) pk.fragment({ ...rec.fragments[i]!, seq: i } as Fragment);
  };
  return {
    pk,
    next,
    get fed() {
      return i;
    },
  };
}

/** Whether a promise has settled by now (after pending callbacks ran). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('hls packager: blocking playlist reload', function () {
  this.timeout(30_000);
  let rec: Recorded;
  before(async () => {
    rec = await recordPattern({ seconds: 6, gopFrames: 25 });
  });

  it('a first playlist request waits for the first complete segment', async () => {
    const f = feeder(rec);
    f.next(25);
    const plain = f.pk.playlist();
    const blocking = f.pk.playlist({ msn: 0 });
    assert.equal(await settled(plain), false);
    assert.equal(await settled(blocking), false);
    f.next(1); // the keyframe at 1 s closes segment 0
    for (const text of await Promise.all([plain, blocking])) assert.ok(text?.includes('seg0.m4s'));
  });

  it('no segment within 3 target durations, or a closed packager: null', async () => {
    const f = feeder(rec);
    f.next(10);
    const t0 = performance.now();
    assert.equal(await f.pk.playlist(), null);
    const waited = performance.now() - t0;
    assert.ok(waited >= 2900 && waited < 6000, `waited ${waited} ms for 3 × 1 s`);
    f.pk.close();
    assert.equal(await settled(f.pk.playlist()), true);
    assert.equal(await f.pk.playlist(), null);
  });

  it('holds a request for the next part until it exists, then lists it', async () => {
    const f = feeder(rec);
    f.next(25 + 7); // segment 0 complete, segment 1: one part of 5 frames closed, 2 frames open
    const p0 = parsePlaylist((await f.pk.playlist())!);
    assert.equal(p0.partial?.msn, 1);
    assert.equal(p0.partial?.parts.length, 1);
    const waiting = f.pk.playlist({ msn: 1, part: 1 });
    f.next(2);
    assert.equal(await settled(waiting), false, 'part 1.1 does not exist yet');
    assert.equal(f.pk.stats().waiters, 1);
    f.next(1); // its fifth frame closes part 1.1
    const p1 = parsePlaylist((await waiting)!);
    assert.deepEqual(llHlsViolations(p1), []);
    assert.equal(p1.partial?.parts.at(-1)?.uri, 'part1.1.m4s');
    assert.equal(f.pk.stats().waiters, 0);
  });

  it('a part index past the end of its segment is answered when the segment completes (hls.js asks for the next part)', async () => {
    const f = feeder(rec);
    f.next(25 + 24);
    const waiting = f.pk.playlist({ msn: 1, part: 5 });
    f.next(1); // frame 49 closes part 1.4: segment 1 goes on until a keyframe
    assert.equal(await settled(waiting), false);
    f.next(1); // the keyframe at 2 s: segment 1 complete with parts 0..4
    const p = parsePlaylist((await waiting)!);
    assert.equal(p.segments.at(-1)?.uri, 'seg1.m4s');
    const next = f.pk.playlist({ msn: 2, part: 0 });
    assert.equal(await settled(next), false);
    f.next(4);
    assert.equal(await settled(next), true, 'part 2.0 closed after its fifth frame');
  });

  it('requests for what already exists are answered at once', async () => {
    const f = feeder(rec);
    f.next(80);
    for (const req of [{ msn: 0 }, { msn: 1, part: 3 }, { msn: 2 }, { msn: 3, part: 0 }])
      assert.equal(await settled(f.pk.playlist(req)), true, JSON.stringify(req));
  });

  it('answers with the current playlist after 3 target durations when nothing comes', async () => {
    const f = feeder(rec);
    f.next(30);
    const t0 = performance.now();
    const text = await f.pk.playlist({ msn: 2 });
    const waited = performance.now() - t0;
    assert.ok(waited >= 2900 && waited < 6000, `waited ${waited} ms for 3 × 1 s`);
    assert.ok(text?.includes('seg0.m4s') && !text.includes('seg1.m4s'));
    assert.equal(f.pk.stats().waiters, 0);
  });

  it('refuses at once a segment more than two beyond the last, or parts beyond the Advance Part Limit', async () => {
    const f = feeder(rec);
    f.next(25 + 5); // segment 1 in progress with one part
    assert.equal(await settled(f.pk.playlist({ msn: 3 })), false, 'msn last+2 is allowed');
    const tooFar = [
      { msn: 4 },
      { msn: 1_000_000 },
      { msn: 1, part: 16 }, // 3 ÷ 0.2 s = 15 parts beyond the last (1.0)
      { msn: 2, part: 15 },
    ];
    for (const req of tooFar)
      await assert.rejects(
        f.pk.playlist(req),
        (e: Error) => e instanceof TranscoderInputError && /beyond/.test(e.message),
      );
    await assert.rejects(f.pk.playlist({ part: 1 }), TranscoderInputError);
    await assert.rejects(f.pk.playlist({ msn: -1 }), TranscoderInputError);
    await assert.rejects(f.pk.playlist({ msn: 1.5 }), TranscoderInputError);
    await assert.rejects(f.pk.playlist({ msn: Number.NaN }), TranscoderInputError);
    f.pk.close();
  });

  it('an aborted request rejects and leaves nothing behind', async () => {
    const f = feeder(rec);
    f.next(30);
    const ac = new AbortController();
    const waiting = f.pk.playlist({ msn: 2, signal: ac.signal });
    assert.equal(f.pk.stats().waiters, 1);
    ac.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(f.pk.stats().waiters, 0);
    await assert.rejects(f.pk.playlist({ msn: 2, signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(f.pk.stats().waiters, 0);
  });

  it('close() answers waiting requests with null and serves nothing after', async () => {
    const f = feeder(rec);
    f.next(30);
    const waiting = f.pk.playlist({ msn: 2 });
    f.pk.close();
    assert.equal(await waiting, null);
    assert.equal(await f.pk.playlist(), null);
    assert.equal(f.pk.file('seg0.m4s'), null);
    assert.equal(f.pk.file('init0.mp4'), null);
    f.next(50); // a hub still feeding a closed packager changes nothing
    assert.equal(f.pk.stats().segments, 0);
    f.pk.close();
  });

  it('the preload-hinted part is awaited by fileWhenReady; other missing names are not', async () => {
    const f = feeder(rec);
    f.next(25 + 7); // segment 1: part 1.0 closed, 2 frames open
    const hint = parsePlaylist((await f.pk.playlist())!).preloadHint;
    assert.equal(hint, 'part1.1.m4s');
    const hinted = f.pk.fileWhenReady('part1.1.m4s');
    const nextSegment = f.pk.fileWhenReady('part2.0.m4s');
    assert.equal(await f.pk.fileWhenReady('part1.2.m4s'), null, 'not the hinted part');
    assert.equal(await f.pk.fileWhenReady('part5.0.m4s'), null, 'far ahead');
    assert.equal(await f.pk.fileWhenReady('../part1.1.m4s'), null);
    assert.ok((await f.pk.fileWhenReady('part1.0.m4s'))!.equals(f.pk.file('part1.0.m4s')!), 'existing: at once');
    assert.equal(await settled(hinted), false);
    f.next(3);
    assert.ok((await hinted)!.equals(f.pk.file('part1.1.m4s')!));
    assert.equal(await settled(nextSegment), false);
    f.next(15 + 5); // segment 1 completes at the keyframe of 2 s, part 2.0 closes four frames later
    assert.ok((await nextSegment)!.equals(f.pk.file('part2.0.m4s')!));
    assert.equal(f.pk.stats().waiters, 0);
  });

  it('a hinted part that never comes gives null: the segment ended first, or the request was aborted', async () => {
    const f = feeder(rec);
    f.next(25 + 24); // segment 1: parts 1.0–1.3 closed, 4 frames open
    f.next(1); // part 1.4 closed; the hint is now part 1.5, but a keyframe follows
    const never = f.pk.fileWhenReady('part1.5.m4s');
    assert.equal(await settled(never), false);
    f.next(1);
    assert.equal(await never, null);
    const ac = new AbortController();
    const aborted = f.pk.fileWhenReady('part2.0.m4s', { signal: ac.signal });
    ac.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    assert.equal(f.pk.stats().waiters, 0);
  });

  describe('parseHlsQuery', () => {
    const good: Array<[Record<string, unknown>, object]> = [
      [{}, {}],
      [{ _HLS_msn: '0' }, { msn: 0 }],
      [
        { _HLS_msn: '12', _HLS_part: '3' },
        { msn: 12, part: 3 },
      ],
      [{ _HLS_msn: '999999999999999' }, { msn: 999999999999999 }],
      [{ _HLS_msn: '5', _HLS_skip: 'YES', other: 'x' }, { msn: 5 }],
    ];
    for (const [q, want] of good) it(`accepts ${JSON.stringify(q)}`, () => assert.deepEqual(parseHlsQuery(q), want));
    const bad: Array<Record<string, unknown>> = [
      { _HLS_part: '1' },
      { _HLS_msn: '-1' },
      { _HLS_msn: '01' },
      { _HLS_msn: '1.5' },
      { _HLS_msn: '1e3' },
      { _HLS_msn: '' },
      { _HLS_msn: ' 1' },
      { _HLS_msn: '0x10' },
      { _HLS_msn: '9999999999999999' },
      { _HLS_msn: ['1', '2'] },
      { _HLS_msn: { a: 1 } },
      { _HLS_msn: '1', _HLS_part: 'NaN' },
      { _HLS_msn: '1', _HLS_part: '-0' },
    ];
    for (const q of bad)
      it(`refuses ${JSON.stringify(q)}`, () =>
        assert.throws(
          () => parseHlsQuery(q),
          (e: Error) => e instanceof TranscoderInputError && /_HLS_/.test(e.message),
        ));
  });
});
