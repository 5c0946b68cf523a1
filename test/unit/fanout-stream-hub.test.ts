// StreamHub on real ffmpeg fragments: warm and cold joins, runs, taps, replay, snapshots, the GOP bound, close.
import assert from 'node:assert/strict';
import { TranscoderStateError } from '../../transcoder/errors';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { stream, TestSink, TestTap } from '../helpers/hub-fixtures';

describe('fanout: StreamHub', function () {
  this.timeout(60_000);
  const A = stream(0);
  const B = stream(1);
  const keys = A.fragments.flatMap((f, i) => (f.keyframe ? [i] : []));

  it('the fixture: 100 fragments, keyframes every 25', () => {
    assert.equal(A.fragments.length, 100);
    assert.deepEqual(keys, [0, 25, 50, 75]);
  });

  it('warm join: the init, then the current GOP from its keyframe at once, then live; it decodes', () => {
    const hub = new StreamHub('cam.main');
    hub.publishInit(A.init);
    A.fragments.slice(0, 30).forEach((f) => hub.publishFragment(f));
    const sink = new TestSink();
    const att = hub.attach(sink);
    assert.equal(sink.got[0]!.init, A.init);
    assert.deepEqual(
      sink.fragments.map((f) => f.seq),
      [25, 26, 27, 28, 29],
    );
    assert.equal(sink.fragments[0]!.keyframe, true);
    A.fragments.slice(30, 40).forEach((f) => hub.publishFragment(f));
    assert.equal(att.sent, 15);
    assert.equal(att.skipped, 0);
    assert.deepEqual(decodeVideo(sink.bytes()), { frames: 15, errors: '' });
    // 'next-keyframe': the init, then nothing until the keyframe at 50
    const later = new TestSink();
    hub.attach(later, { start: 'next-keyframe' });
    A.fragments.slice(40, 55).forEach((f) => hub.publishFragment(f));
    assert.equal(later.got.length, 1 + 5);
    assert.deepEqual(later.fragments[0]!.seq, 50);
    assert.deepEqual(hub.stats().sinks, 2);
  });

  it('cold join: a sink attached before the run gets the init, then fragments from the first keyframe', () => {
    const hub = new StreamHub('cam.sub');
    const sink = new TestSink();
    hub.attach(sink);
    assert.equal(sink.got.length, 0);
    assert.equal(hub.init, null);
    hub.publishInit(A.init);
    A.fragments.slice(0, 10).forEach((f) => hub.publishFragment(f));
    assert.equal(sink.got[0]!.init, A.init);
    assert.deepEqual(sink.fragments.length, 10);
    assert.deepEqual(decodeVideo(sink.bytes()).frames, 10);
  });

  it('a new run: sinks and taps get the new init, sinks resume at its first keyframe; taps see end between', () => {
    const hub = new StreamHub('k');
    const tap = new TestTap();
    hub.addTap(tap);
    hub.publishInit(A.init);
    A.fragments.slice(0, 3).forEach((f) => hub.publishFragment(f));
    const sink = new TestSink();
    hub.attach(sink);
    hub.endRun('ffmpeg exited with 1');
    assert.equal(hub.init, null);
    assert.equal(hub.keyframe(), null);
    assert.equal(hub.replay(10)?.fragments.length, 3, 'the ended run stays for replay');
    hub.publishInit(B.init);
    B.fragments.slice(0, 2).forEach((f) => hub.publishFragment(f));
    assert.deepEqual(
      sink.got.map((g) => (g.init ? `init${g.init.generation}` : `${g.fragment!.generation}:${g.fragment!.seq}`)),
      ['init0', '0:0', '0:1', '0:2', 'init1', '1:3', '1:4'],
    );
    assert.deepEqual(tap.events, ['init0', 'K0', 'f1', 'f2', 'end:ffmpeg exited with 1', 'init1', 'K3', 'f4']);
    assert.equal(hub.replay(10)?.init, B.init);
  });

  it('taps get every fragment in order, also the ones skipped for slow sinks; keepAlive is counted; remove works', () => {
    const hub = new StreamHub('k', { skipAboveBytes: 1 });
    const keep = new TestTap();
    const removeKeep = hub.addTap(keep, { keepAlive: true });
    const plain = new TestTap();
    hub.addTap(plain);
    assert.equal(hub.keepAliveTaps, 1);
    hub.publishInit(A.init);
    const slow = new TestSink();
    slow.reading = false;
    hub.attach(slow);
    A.fragments.slice(0, 40).forEach((f) => hub.publishFragment(f));
    assert.deepEqual(
      keep.seqs,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.ok(slow.fragments.length < 40);
    // a tap added mid-run: the init, the cached GOP from its keyframe, then live
    const late = new TestTap();
    hub.addTap(late);
    assert.deepEqual(late.events.slice(0, 2), ['init0', 'K25']);
    assert.equal(late.seqs.length, 15);
    // with replayS: whole replay GOPs covering it (here 1.5 s of 1 s GOPs: the one before and the current)
    const seeded = new TestTap();
    const removeSeeded = hub.addTap(seeded, { replayS: 1.5 });
    assert.deepEqual(seeded.events.slice(0, 2), ['init0', 'K0']);
    assert.deepEqual(
      seeded.seqs,
      Array.from({ length: 40 }, (_, i) => i),
    );
    removeSeeded();
    removeKeep();
    removeKeep();
    assert.equal(hub.keepAliveTaps, 0);
    hub.publishFragment(A.fragments[40]!);
    assert.equal(keep.seqs.length, 40);
    assert.equal(plain.seqs.length, 41);
    hub.close('stopped by test');
    assert.equal(plain.events[plain.events.length - 1], 'end:stopped by test');
    assert.equal(hub.stats().taps, 0);
  });

  it('replay(): whole GOPs of the run covering at least the seconds asked, bounded by replaySeconds; it decodes', () => {
    const hub = new StreamHub('k', { replaySeconds: 2 });
    assert.equal(hub.replay(30), null);
    hub.publishInit(A.init);
    A.fragments.forEach((f) => hub.publishFragment(f));
    const r = hub.replay(1.5)!;
    assert.equal(r.init, A.init);
    assert.deepEqual(
      r.fragments.map((f) => f.seq),
      Array.from({ length: 50 }, (_, i) => 50 + i),
    );
    assert.ok(r.fragments.reduce((s, f) => s + f.durationS, 0) >= 1.5);
    assert.deepEqual(decodeVideo(Buffer.concat([r.init.data, ...r.fragments.map((f) => f.data)])).frames, 50);
    // more than is held: all that is held, 2 s done + the current GOP, starting at a keyframe
    const all = hub.replay(60)!.fragments;
    assert.equal(all[0]!.keyframe, true);
    assert.equal(all.length, 75);
    // the bytes bound wins over seconds: one GOP of replay is all that fits
    const gop = A.fragments.slice(0, 25).reduce((n, f) => n + f.data.length, 0);
    const tight = new StreamHub('k', { replaySeconds: 30, maxReplayBytes: Math.ceil(gop * 1.5) });
    tight.publishInit(A.init);
    A.fragments.forEach((f) => tight.publishFragment(f));
    assert.equal(tight.replay(60)!.fragments[0]!.seq, 50);
    assert.ok(tight.stats().replayBytes <= gop * 1.5);
  });

  it('keyframe(): the newest keyframe fragment with its init, decodable alone', () => {
    const hub = new StreamHub('k');
    assert.equal(hub.keyframe(), null);
    hub.publishInit(A.init);
    A.fragments.slice(0, 60).forEach((f) => hub.publishFragment(f));
    const k = hub.keyframe()!;
    assert.equal(k.fragment.seq, 50);
    assert.deepEqual(decodeVideo(Buffer.concat([k.init.data, k.fragment.data])), { frames: 1, errors: '' });
  });

  it('a GOP above maxGopBytes is not cached: joins then wait for the next keyframe', () => {
    const hub = new StreamHub('k', { maxGopBytes: 30_000 });
    hub.publishInit(A.init);
    A.fragments.slice(0, 30).forEach((f) => hub.publishFragment(f));
    assert.ok(hub.stats().gopBytes <= 30_000);
    const sink = new TestSink();
    hub.attach(sink);
    const got = sink.fragments.map((f) => f.seq);
    assert.ok(got.length === 0 || got[0] === 25, `starts at a keyframe: ${got.join(',')}`);
    A.fragments.slice(30, 51).forEach((f) => hub.publishFragment(f));
    assert.equal(sink.fragments.find((f) => f.keyframe)?.keyframe, true);
    assert.ok(sink.fragments[0]!.keyframe);
  });

  it('close(): every sink closed (stopped), idempotent, no attach after', () => {
    const hub = new StreamHub('k');
    hub.publishInit(A.init);
    const sinks = [new TestSink(), new TestSink()];
    sinks.forEach((s) => hub.attach(s));
    hub.close('camera removed');
    hub.close('again');
    assert.deepEqual(
      sinks.map((s) => s.closed?.reason),
      ['stopped', 'stopped'],
    );
    assert.throws(() => hub.attach(new TestSink()), TranscoderStateError);
    assert.equal(hub.publishFragment(A.fragments[0]!).seq, 0);
    assert.equal(hub.stats().fragmentsIn, 0);
  });
});
