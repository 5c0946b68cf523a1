// The timeline's time <-> pixel math (zoom limits and anchor, pan, ticks on local time, runs) and the map's wall clock.
import assert from 'node:assert/strict';
import {
  MAX_SPAN_MS,
  MIN_SPAN_MS,
  centreOn,
  msAt,
  panBy,
  runs,
  tickStep,
  ticks,
  wheelFactor,
  xOf,
  zoomAt,
  type TimeScale,
} from '../../web/src/video/timeline-scale';
import { mediaAt, wallAt, type MapSegment } from '../../web/src/video/playback-time';

const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);
const HOUR: TimeScale = { startMs: T0, spanMs: 3_600_000, widthPx: 720 };

describe('timeline scale', () => {
  it('x and time are inverse, 5 s a pixel over an hour of 720 px', () => {
    assert.equal(xOf(HOUR, T0), 0);
    assert.equal(xOf(HOUR, T0 + 3_600_000), 720);
    assert.equal(xOf(HOUR, T0 + 5000), 1);
    assert.equal(msAt(HOUR, 360), T0 + 1_800_000);
    for (const x of [0, 1, 123.5, 719]) assert.equal(xOf(HOUR, msAt(HOUR, x)), x);
  });

  const zooms: Array<[string, number, number, number]> = [
    // name, factor, anchor, expected span
    ['in ×2 at the middle', 0.5, T0 + 1_800_000, 1_800_000],
    ['out ×2 at the left edge', 2, T0, 7_200_000],
    ['in far: stops at one minute', 1e-6, T0 + 600_000, MIN_SPAN_MS],
    ['out far: stops at thirty days', 1e6, T0, MAX_SPAN_MS],
  ];
  for (const [name, factor, anchor, span] of zooms)
    it(`zoom ${name}, the anchor stays on its pixel`, () => {
      const z = zoomAt(HOUR, factor, anchor);
      assert.equal(z.spanMs, span);
      assert.equal(z.widthPx, 720);
      assert.ok(Math.abs(xOf(z, anchor) - xOf(HOUR, anchor)) < 0.01, `${xOf(z, anchor)} vs ${xOf(HOUR, anchor)}`);
    });

  it('zooming in and out again returns to the same view', () => {
    const back = zoomAt(zoomAt(HOUR, 0.25, T0 + 900_000), 4, T0 + 900_000);
    assert.deepEqual(back, HOUR);
  });

  it('the wheel: down zooms out, up zooms in, one notch by 2^(1/3), bounded', () => {
    assert.ok(Math.abs(wheelFactor(100) - 2 ** (1 / 3)) < 1e-9);
    assert.ok(wheelFactor(-100) < 1);
    assert.equal(wheelFactor(0), 1);
    assert.equal(wheelFactor(10_000), wheelFactor(500));
  });

  it('pan: dragging right by 72 px shows 6 min earlier; centre puts a time in the middle', () => {
    assert.equal(panBy(HOUR, 72).startMs, T0 - 360_000);
    assert.equal(panBy(HOUR, -72).startMs, T0 + 360_000);
    const c = centreOn(HOUR, T0 + 10 * 3_600_000);
    assert.equal(xOf(c, T0 + 10 * 3_600_000), 360);
  });

  it('ticks: the shortest step at least 80 px apart, on local time (midnight in Beijing for day steps)', () => {
    assert.equal(tickStep(HOUR), 10 * 60_000); // 10 min = 120 px; 5 min = 60 px is too close
    assert.equal(tickStep({ ...HOUR, spanMs: MIN_SPAN_MS }), 10_000);
    const month: TimeScale = { startMs: T0, spanMs: MAX_SPAN_MS, widthPx: 800 };
    assert.equal(tickStep(month), 7 * 86_400_000);
    const days: TimeScale = { startMs: T0, spanMs: 5 * 86_400_000, widthPx: 500 };
    const beijing = 8 * 3_600_000;
    const list = ticks(days, beijing);
    assert.ok(list.length >= 4);
    for (const tk of list) {
      assert.equal((tk + beijing) % 86_400_000, 0, new Date(tk).toISOString());
      assert.ok(tk >= days.startMs && tk <= days.startMs + days.spanMs);
    }
    for (const tk of ticks(HOUR, 0)) assert.equal(tk % 600_000, 0);
  });

  it('runs: clipped to the view, neighbours of a kind closer than a pixel merged, at least a pixel wide', () => {
    const items = [
      { startMs: T0 - 60_000, endMs: T0 + 60_000, kind: 'span' }, // clipped at the left edge
      { startMs: T0 + 62_000, endMs: T0 + 120_000, kind: 'span' }, // 2 s later: < 1 px, merged
      { startMs: T0 + 600_000, endMs: T0 + 601_000, kind: 'span' }, // a second: drawn 1 px wide
      { startMs: T0 + 601_000, endMs: T0 + 700_000, kind: 'event' }, // another kind: its own run
      { startMs: T0 + 4_000_000, endMs: T0 + 5_000_000, kind: 'span' }, // outside
    ];
    const r = runs(HOUR, items);
    assert.deepEqual(
      r.map((x) => [x.kind, x.startMs - T0, x.endMs - T0, Math.round(x.x), Math.round(x.w)]),
      [
        ['span', 0, 120_000, 0, 24],
        ['span', 600_000, 601_000, 120, 1],
        ['event', 601_000, 700_000, 120, 20],
      ],
    );
  });
});

describe('playback wall clock from the map', () => {
  const iso = (ms: number): string => new Date(ms).toISOString();
  // two segments of 4 s with a 20 s gap jumped between them, then a keyframes-only segment at 16×
  const segs: MapSegment[] = [
    { mediaStartS: 0.1, durationS: 4, wallStart: iso(T0), wallEnd: iso(T0 + 4000), rate: 1 },
    { mediaStartS: 4.1, durationS: 4, wallStart: iso(T0 + 24_000), wallEnd: iso(T0 + 28_000), rate: 1 },
    { mediaStartS: 8.1, durationS: 0.5, wallStart: iso(T0 + 28_000), wallEnd: iso(T0 + 36_000), rate: 16 },
  ];
  const cases: Array<[string, number, number]> = [
    ['before the first sample', 0, 0],
    ['first segment', 2.1, 2000],
    ['right after the gap', 4.1, 24_000],
    ['inside the second', 6.6, 26_500],
    ['keyframes only: 16 wall s a media s', 8.35, 32_000],
    ['past the end', 99, 36_000],
  ];
  for (const [name, media, wall] of cases)
    it(`${name}: media ${media} s → wall +${wall} ms`, () => assert.equal(wallAt(segs, media), T0 + wall));

  it('media time of a wall time, null inside the gap; no segments: null', () => {
    assert.equal(mediaAt(segs, T0 + 25_000), 5.1);
    assert.equal(mediaAt(segs, T0 + 10_000), null);
    assert.equal(wallAt([], 3), null);
  });
});
