// The playback plan on real recorded segments with audio: keyframe at or before start, gaps jumped, every track continuous.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PlanBuilder, planPlayback, type PlannedInput } from '../../gateway/recordings/playback-plan';
import { spanKinds } from '../../gateway/recordings/span-kinds';
import { retime } from '../../transcoder/fmp4/retime';
import { readSegmentMedia } from '../../transcoder/record/segment-media';
import { decodeVideo, probe } from '../helpers/fmp4-ffmpeg';
import { writeSegments } from '../helpers/footage';

describe('playback plan', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-plan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = Date.UTC(2026, 11, 1, 10);

  async function inputs(t0: number, count: number, id0: number): Promise<PlannedInput[]> {
    const segs = await writeSegments(dir, '7', t0, count, 2, true);
    return Promise.all(
      segs.map(async (s, i) => ({
        id: String(id0 + i),
        startMs: s.startTime,
        endMs: s.endTime,
        media: await readSegmentMedia(s.path),
      })),
    );
  }

  it('video and audio land on one timeline without going back, across a 30 s gap; the plan says where', async () => {
    const a = await inputs(T0, 3, 1);
    const b = await inputs(a.at(-1)!.endMs + 30_000, 2, 10);
    const start = T0 + 2600;
    // as the index answers: the segments overlapping [start, window end)
    const plan = planPlayback(
      [...a, ...b].filter((x) => x.endMs > start),
      start,
      start + 600_000,
    );
    // the start lies in A's second segment: A from there, then all of B
    assert.equal(plan.items.length, a.length - 1 + b.length);
    const jump = a.length - 1;
    assert.equal(plan.items[0]!.wallStartMs, a[1]!.startMs, 'from the keyframe at or before start');
    assert.equal(plan.items[0]!.gapBeforeMs, 0);
    assert.ok(Math.abs(plan.items[jump]!.gapBeforeMs - 30_000) < 50, `gap ${plan.items[jump]!.gapBeforeMs}`);
    const before = plan.items.slice(0, jump).reduce((sum, it) => sum + it.durationS, 0);
    assert.ok(Math.abs(plan.items[jump]!.mediaStartS - plan.items[0]!.mediaStartS - before) < 0.001);
    plan.items.slice(1).forEach((it, i) => assert.equal(it.gapBeforeMs === 0, i + 1 !== jump, `item ${i + 1}`));
    assert.equal(plan.endedBy, 'footage');
    assert.equal(plan.nextMs, null);
    assert.match(plan.mime, /mp4a/);
    const chunks = [plan.init];
    let seq = 1;
    const all = [...a, ...b];
    for (const item of plan.items) {
      const seg = all.find((s) => s.id === item.segmentId)!;
      for (const f of seg.media.fragments.slice(item.from)) chunks.push(retime(f.data, item.deltas, seq++));
    }
    const bytes = Buffer.concat(chunks);
    const p = probe(bytes);
    // video strictly forward at frame spacing; audio likewise, but for ffmpeg's own repeat of a few audio
    // timestamps where its test source ends (lavfi sine with -t: present in the recording itself)
    for (const stream of [0, 1]) {
      const dts = p.packets.filter((x) => x.stream === stream).map((x) => x.dtsS);
      assert.ok(dts.length > 50, `stream ${stream}`);
      assert.ok(dts[0]! >= 0, `stream ${stream} starts at ${dts[0]}`);
      for (let i = 1; i < dts.length; i++) {
        const step = dts[i]! - dts[i - 1]!;
        const ok = stream === 0 ? step > 0 && step < 0.1 : step >= 0 && step < 0.1;
        assert.ok(ok, `stream ${stream} packet ${i}: ${dts[i - 1]} → ${dts[i]}`);
      }
    }
    const d = decodeVideo(bytes);
    const frames = plan.items.reduce(
      (n, it) =>
        n +
        all
          .find((x) => x.id === it.segmentId)!
          .media.fragments.slice(it.from)
          .filter((f) => f.video).length,
      0,
    );
    assert.ok(frames >= 7 * 25, `${frames} frames`);
    assert.equal(d.frames, frames);
    assert.equal(d.errors, '');
  });

  it('a window that ends inside footage says where the next session starts', async () => {
    const a = await inputs(T0 + 3600_000, 3, 20);
    const plan = planPlayback(a, a[0]!.startMs, a[1]!.endMs - 500);
    assert.equal(plan.endedBy, 'window');
    assert.equal(plan.nextMs, plan.items.at(-1)!.wallEndMs);
  });

  it('one segment at a time (as a stream serves them) gives the plan planPlayback gives, and stops at another init', async () => {
    const a = await inputs(T0 + 7200_000, 3, 30);
    const other = await writeSegments(dir, '8', a.at(-1)!.endMs + 5000, 1, 2, false); // no audio: another init
    const c = {
      id: '40',
      startMs: other[0]!.startTime,
      endMs: other[0]!.endTime,
      media: await readSegmentMedia(other[0]!.path),
    };
    const start = a[0]!.startMs + 1200;
    const whole = planPlayback([...a, c], start, start + 600_000);
    const b = new PlanBuilder(start);
    const items = a.map((x) => b.add(x));
    assert.equal(b.add(c), null, 'another init ends the plan');
    assert.deepEqual(items, whole.items);
    assert.deepEqual(b.finish(start + 600_000), whole);
    assert.equal(whole.endedBy, 'init-change');
    assert.equal(whole.nextMs, c.startMs);
  });

  it('span kinds and gaps: continuous, event, mixed; gaps before, between and after', () => {
    const r = { fromMs: T0, toMs: T0 + 100_000 };
    const spans = [
      { startMs: T0 + 10_000, endMs: T0 + 20_000 },
      { startMs: T0 + 30_000, endMs: T0 + 40_000 },
      { startMs: T0 + 50_000, endMs: T0 + 60_000 },
    ];
    const events = [
      { startMs: T0 + 30_000, endMs: T0 + 40_000 },
      { startMs: T0 + 50_000, endMs: T0 + 52_000 },
    ];
    const s = spanKinds('7', 'main', r, spans, events, 1500);
    assert.deepEqual(
      s.spans.map((x) => x.kind),
      ['continuous', 'event', 'mixed'],
    );
    assert.deepEqual(
      s.gaps.map((g) => g.seconds),
      [10, 10, 10, 40],
    );
  });
});
