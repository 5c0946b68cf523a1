// StreamHub backpressure on real fragments: slow sinks skipped to a keyframe, then closed; bounded memory; no leaked sinks.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { stream, TestSink } from '../helpers/hub-fixtures';

describe('fanout: StreamHub backpressure', function () {
  this.timeout(60_000);
  const A = stream(0);

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
});
