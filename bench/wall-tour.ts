// The wall bench's tour phase: a tour of cameras run by the gateway on a screen page, and the time without a moving
// picture at each switch, read from the decoded frames the page presents (requestVideoFrameCallback on the pane shown).
import type { Page } from 'playwright-core';
import type { RigCamera, Rig } from './live-rig';
import { median, spread } from './live-stats';
import type { BenchScreen } from './wall-page';

/** Seconds each camera stays: above the gateway's 4 s head start, so the next stream is started during the step. */
export const TOUR_DWELL_S = 5;

/** A change of camera on the pane, as the page saw it: the last frame of one, the first of the next (page clock, ms). */
interface Switch {
  from: string;
  to: string;
  lastAt: number;
  firstAt: number;
  /** The longest time between two frames of the new camera in the SETTLE_MS after its first one (ms). */
  stallMs: number;
}

/** How long after a switch the new camera's frames still count towards the switch (a picture that stutters on). */
const SETTLE_MS = 1000;

type TourWindow = { __tour: { switches: Switch[]; intervals: number[]; stop: boolean } };

/**
 * Watches pane 0 of the screen page: every frame presented by the video of the pane shown there (not one kept
 * hidden for the next step) is noted; a frame of another camera than the last one makes a switch, and the frames of
 * the next SETTLE_MS its stall.
 */
async function watchPane(page: Page): Promise<void> {
  await page.evaluate((settleMs) => {
    const w = window as unknown as TourWindow;
    if (w.__tour) w.__tour.stop = true;
    const probe: TourWindow['__tour'] = { switches: [], intervals: [], stop: false };
    w.__tour = probe;
    let last: { cam: string; at: number } | null = null;
    const seen = new WeakSet<HTMLVideoElement>();
    const watch = (v: HTMLVideoElement): void => {
      const onFrame = (now: number): void => {
        if (probe.stop || !v.isConnected) return;
        // only the pane on the screen: the cell's own child, not the next one playing under it
        const pane = v.closest<HTMLElement>('.screen-pane[data-pane="0"] > .pane:not(.screen-pane-next)');
        const cam = pane?.dataset.cameraId;
        if (cam) {
          const sw = probe.switches.at(-1);
          if (last && last.cam !== cam)
            probe.switches.push({ from: last.cam, to: cam, lastAt: last.at, firstAt: now, stallMs: 0 });
          else if (last && sw && sw.to === cam && now - sw.firstAt <= settleMs)
            sw.stallMs = Math.max(sw.stallMs, now - last.at);
          else if (last) probe.intervals.push(now - last.at);
          last = { cam, at: now };
        }
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    };
    const timer = setInterval(() => {
      if (probe.stop) return clearInterval(timer);
      // every video of the screen, those played hidden too: a frame counts once its pane is the one shown
      for (const v of document.querySelectorAll<HTMLVideoElement>('.screen-grid video'))
        if (!seen.has(v)) {
          seen.add(v);
          watch(v);
        }
    }, 10);
  }, SETTLE_MS);
}

/**
 * Runs a tour of `cams` (TOUR_DWELL_S each) on `screen` and measures `switches` switches after the first step
 * (the tour's start, from whatever the screen showed, is not counted). A switch's gap is the longer of the time from
 * the old camera's last frame to the new one's first and the longest frame interval of the new one in the SETTLE_MS
 * after. Prints each, the median as `bench tour_switch_gap_ms` and, as the baseline of the same run, the median
 * frame interval of a steady pane.
 */
export async function measureTourSwitch(
  rig: Rig,
  screen: BenchScreen,
  cams: RigCamera[],
  log: (line: string) => void,
  switches: number,
): Promise<void> {
  const made = await rig.api('POST', '/api/v1/wall/tours', {
    name: 'bench-tour',
    steps: cams.map((c) => ({ cameraId: c.id, dwellS: TOUR_DWELL_S })),
  });
  if (made.status !== 201) throw new Error(`bench wall: creating the tour failed: ${made.status} ${made.text}`);
  await watchPane(screen.page);
  const start = await rig.api('POST', `/api/v1/wall/screens/${screen.id}/tour`, { tourId: made.body.id });
  if (start.status !== 200) throw new Error(`bench wall: starting the tour failed: ${start.status} ${start.text}`);
  const ids = cams.map((c) => c.id);
  try {
    // a switch between two of the tour's cameras (not the tour's start, from whatever the screen showed)
    await screen.page.waitForFunction(
      ([n, tour]) =>
        (window as unknown as TourWindow).__tour.switches.filter((s) => tour!.includes(s.from) && tour!.includes(s.to))
          .length >= (n as number),
      [switches, ids] as const,
      { timeout: (switches + 3) * TOUR_DWELL_S * 1000 + 20_000, polling: 200 },
    );
  } finally {
    await rig.api('DELETE', `/api/v1/wall/screens/${screen.id}/tour`);
  }
  const r = await screen.page.evaluate(() => {
    const p = (window as unknown as TourWindow).__tour;
    p.stop = true;
    return { switches: p.switches, intervals: p.intervals };
  });
  const name = (id: string): string => cams.find((c) => c.id === id)?.name ?? id;
  const gaps: number[] = [];
  const between = r.switches.filter((s) => ids.includes(s.from) && ids.includes(s.to)).slice(0, switches);
  for (const [k, s] of between.entries()) {
    const blank = s.firstAt - s.lastAt;
    const gap = Math.max(blank, s.stallMs);
    gaps.push(gap);
    log(
      `# tour switch ${k + 1}: ${name(s.from)} → ${name(s.to)}: gap ${gap.toFixed(0)} ms (last frame → first frame` +
        ` ${blank.toFixed(0)} ms, longest frame interval in the next ${SETTLE_MS} ms ${s.stallMs.toFixed(0)} ms)`,
    );
  }
  log(`# tour switch gaps: ${gaps.map((g) => g.toFixed(0)).join(' ')}; spread ${spread(gaps)}`);
  log(`bench tour_switch_gap_ms ${median(gaps).toFixed(0)} ms`);
  log(`bench tour_frame_interval_ms ${median(r.intervals).toFixed(0)} ms`);
}
