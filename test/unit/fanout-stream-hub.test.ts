// StreamHub on real ffmpeg fragments: warm joins, backpressure (skip, close), runs, taps, replay, snapshots, bounded memory.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TranscoderStateError } from '../../transcoder/errors';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import type { Sink, SinkCloseReason, Tap } from '../../transcoder/fanout/types';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { decodeVideo, ffmpegFmp4 } from '../helpers/fmp4-ffmpeg';

type Raw = Omit<Fragment, 'seq'>;

/** 4 s of 25 fps H.264, a keyframe every 25 frames, as the reader hands it on. */
function stream(generation: number): { init: InitSegment; fragments: Raw[] } {
  let init: InitSegment | null = null;
  const fragments: Raw[] = [];
  const r = new FragmentReader({
    generation,
    sliceCodec: 'h264',
    onInit: (i) => (init = i),
    onFragment: (f) => fragments.push(f),
    onError: (e) => assert.fail(e),
  });
  r.push(ffmpegFmp4({ codec: 'h264', seconds: 4, gop: 25, size: '640x360' }));
  return { init: init!, fragments };
}

/** A viewer's transport: queues what it is given until read(); `reading` drains at once. */
class TestSink implements Sink {
  got: Array<{ init?: InitSegment; fragment?: Fragment; data: Buffer }> = [];
  queued = 0;
  reading = true;
  closed: { reason: SinkCloseReason; detail: string; at: number } | null = null;
  write(data: Buffer, what: { init: InitSegment } | { fragment: Fragment }): void {
    assert.equal(this.closed, null, 'no write after close');
    this.got.push({ ...what, data });
    if (!this.reading) this.queued += data.length;
  }
  bufferedBytes(): number {
    return this.queued;
  }
  close(reason: SinkCloseReason, detail: string): void {
    assert.equal(this.closed, null, 'closed once');
    this.closed = { reason, detail, at: Date.now() };
  }
  get fragments(): Fragment[] {
    return this.got.filter((g) => g.fragment).map((g) => g.fragment!);
  }
  /** What the viewer received, as one file. */
  bytes(): Buffer {
    return Buffer.concat(this.got.map((g) => g.data));
  }
}

class TestTap implements Tap {
  events: string[] = [];
  seqs: number[] = [];
  init(init: InitSegment): void {
    this.events.push(`init${init.generation}`);
  }
  fragment(f: Fragment): void {
    this.seqs.push(f.seq);
    this.events.push(f.keyframe ? `K${f.seq}` : `f${f.seq}`);
  }
  end(reason: string): void {
    this.events.push(`end:${reason}`);
  }
}

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

  it('a sink that falls behind is skipped to the next keyframe, and resumes there once drained', () => {
    const hub = new StreamHub('k', { skipAboveBytes: 50_000, closeAfterMs: 60_000 });
    hub.publishInit(A.init);
    const sink = new TestSink();
    const att = hub.attach(sink);
    A.fragments.slice(0, 5).forEach((f) => hub.publishFragment(f));
    sink.reading = false;
    sink.queued = 60_000;
    A.fragments.slice(5, 10).forEach((f) => hub.publishFragment(f));
    assert.equal(att.skipped, 5);
    sink.queued = 0; // the transport drained: still waits for a keyframe, the picture would be broken otherwise
    A.fragments.slice(10, 30).forEach((f) => hub.publishFragment(f));
    assert.equal(att.skipped, 5 + 15);
    assert.deepEqual(
      sink.fragments.map((f) => f.seq),
      [0, 1, 2, 3, 4, 25, 26, 27, 28, 29],
    );
    assert.equal(hub.stats().skipped, 20);
    assert.equal(sink.closed, null);
  });

  it('a sink that stays behind for closeAfterMs is closed (slow) and detached', async () => {
    const hub = new StreamHub('k', { skipAboveBytes: 50_000, closeAfterMs: 300 });
    hub.publishInit(A.init);
    const sink = new TestSink();
    hub.attach(sink);
    sink.queued = 60_000;
    const over = Date.now();
    for (const f of A.fragments) {
      hub.publishFragment(f);
      if (sink.closed) break;
      await sleep(20);
    }
    assert.equal(sink.closed?.reason, 'slow');
    assert.match(sink.closed!.detail, /60000 bytes queued for \d+ ms/);
    assert.ok(sink.closed!.at - over >= 300, 'not before closeAfterMs');
    assert.equal(hub.sinkCount, 0);
    assert.equal(hub.stats().closedSlow, 1);
  });

  it('a sink that never reads: closed, what it was given and what the hub holds stay bounded', async () => {
    const limits = { skipAboveBytes: 100_000, closeAfterMs: 200, maxGopBytes: 400_000, maxReplayBytes: 600_000 };
    const hub = new StreamHub('k', limits);
    hub.publishInit(A.init);
    A.fragments.slice(0, 20).forEach((f) => hub.publishFragment(f));
    const sink = new TestSink();
    sink.reading = false;
    hub.attach(sink);
    const largest = Math.max(...A.fragments.map((f) => f.data.length));
    const gop0 = A.fragments.slice(0, 20).reduce((n, f) => n + f.data.length, 0);
    let peak = 0;
    for (const f of [...A.fragments.slice(20), ...A.fragments, ...A.fragments]) {
      hub.publishFragment(f);
      const s = hub.stats();
      assert.ok(s.gopBytes <= limits.maxGopBytes && s.replayBytes <= limits.maxReplayBytes, JSON.stringify(s));
      peak = Math.max(peak, sink.queued);
      await sleep(5);
    }
    assert.equal(sink.closed?.reason, 'slow');
    assert.ok(peak <= Math.max(gop0 + A.init.data.length, limits.skipAboveBytes) + largest, `peak ${peak}`);
    assert.equal(hub.stats().sinks, 0);
    assert.ok(hub.stats().skipped > 0);
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

  it('1000 attach/detach cycles leave no sinks; sinks and taps that throw are dropped', () => {
    const hub = new StreamHub('k');
    hub.publishInit(A.init);
    A.fragments.slice(0, 30).forEach((f) => hub.publishFragment(f));
    for (let i = 0; i < 1000; i++) {
      const a = hub.attach(new TestSink());
      hub.publishFragment(A.fragments[30 + (i % 20)]!);
      a.detach();
      a.detach();
    }
    assert.equal(hub.sinkCount, 0);
    assert.equal(hub.stats().sinks, 0);
    const bad = new TestSink();
    bad.write = () => {
      throw new Error('socket gone');
    };
    hub.attach(bad);
    assert.equal(bad.closed?.reason, 'detached');
    assert.match(bad.closed!.detail, /socket gone/);
    hub.addTap({ init: () => undefined, fragment: () => assert.fail('tap broke'), end: () => undefined });
    assert.equal(hub.stats().tapErrors, 1);
    assert.equal(hub.stats().taps, 0);
    assert.equal(hub.sinkCount, 0);
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
