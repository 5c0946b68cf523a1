// Runs tours on screens: step after step, each for its dwell time; the next step's streams are started a few seconds
// before its turn (so the switch shows video at once); an offline camera is skipped and marked on the pane.
import { wallLayout } from '../../gis/wall-layout';
import type { TourRecord, TourStep } from './tour-model';
import type { ScreenOverlay } from './wall-service';

/** Seconds before a step's turn its streams are started. */
export const PRESTART_S = 4;

export interface TourRunnerDeps {
  tour(id: number): Promise<TourRecord | null>;
  /** A saved view's layout and cameras (null when gone). */
  view(id: number): Promise<{ layout: string; cameras: Array<string | null> } | null>;
  camera(id: string): { id: string; name: string; status?: string } | undefined;
  /** Shows a step on the screen, unless `valid()` says no once it is the screen's turn (the tour stopped or paused). */
  show(
    screenId: number,
    layout: string,
    cameras: Array<string | null>,
    overlay: ScreenOverlay,
    valid: () => boolean,
  ): Promise<void>;
  /** Starts a camera's stream for the screen (as its live viewers do); rejects when it cannot be played. */
  prestart(screenId: number, cameraId: string, profile: 'main' | 'sub'): Promise<void>;
  /** Tells a screen the step it shows next, once that step's streams are started (its page may play them hidden). */
  preview(screenId: number, next: { layout: string; cameras: Array<string | null> }): Promise<void>;
  /** Records the step shown (resumed from there after a restart). */
  saveStep(screenId: number, step: number): Promise<void>;
  log(level: 'warn', msg: string): void;
}

interface Run {
  screenId: number;
  tour: TourRecord;
  step: number;
  timer: NodeJS.Timeout | null;
  prestartTimer: NodeJS.Timeout | null;
  /** Cameras whose stream failed to start before their turn: skipped as offline. */
  failed: Set<string>;
  paused: boolean;
}

interface Resolved {
  layout: string;
  cameras: Array<string | null>;
  profiles: Array<'main' | 'sub'>;
}

/** A pane covering at least a quarter of the screen plays the main stream, smaller ones the sub stream (as the screen page). */
function profiles(layout: string): Array<'main' | 'sub'> {
  const l = wallLayout(layout);
  return l ? l.panes.map((r) => ((r.cols * r.rows) / (l.grid * l.grid) >= 0.25 ? 'main' : 'sub')) : [];
}

export class TourRunner {
  private readonly runs = new Map<number, Run>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;
  private ended: () => void = () => undefined;
  /** Settles at close: nothing waits for a head start then. */
  private readonly closing = new Promise<void>((res) => (this.ended = res));

  constructor(private readonly d: TourRunnerDeps) {}

  /** The tour running on a screen (its id and step), or null. */
  running(screenId: number): { tourId: number; step: number; paused: boolean } | null {
    const r = this.runs.get(screenId);
    return r ? { tourId: r.tour.id, step: r.step, paused: r.paused } : null;
  }

  /**
   * Starts `tour` on a screen at `step` (replacing a tour running there); `paused`: held until `resume` (an alarm
   * shown on the screen when the gateway stopped).
   */
  start(screenId: number, tour: TourRecord, step = 0, paused = false): void {
    if (this.closed) return;
    this.stop(screenId);
    const run: Run = {
      screenId,
      tour,
      step: step % tour.steps.length,
      timer: null,
      prestartTimer: null,
      failed: new Set(),
      paused,
    };
    this.runs.set(screenId, run);
    if (paused) return;
    // the first step's streams get a head start, bounded: a slow camera does not hold the screen
    const headStart = new Promise<void>((res) => setTimeout(res, PRESTART_S * 1000).unref());
    const first = this.prestartStep(run, run.step);
    this.track(first);
    this.track(Promise.race([first, headStart, this.closing]).then(() => this.show(run, [])));
  }

  /** Stops the screen's tour; true when one ran. */
  stop(screenId: number): boolean {
    const run = this.runs.get(screenId);
    if (!run) return false;
    this.clear(run);
    this.runs.delete(screenId);
    return true;
  }

  /** Holds a screen's tour where it is (an alarm shows on the screen); `resume` goes on with the step it showed. */
  pause(screenId: number): boolean {
    const run = this.runs.get(screenId);
    if (!run) return false;
    this.clear(run);
    run.paused = true;
    return true;
  }

  resume(screenId: number): void {
    const run = this.runs.get(screenId);
    if (!run || !run.paused) return;
    run.paused = false;
    this.track(this.show(run, []));
  }

  /** A tour changed: the screens running it go on with the new steps (removed: they stop). */
  changed(tour: TourRecord | null, id: number): void {
    for (const run of [...this.runs.values()])
      if (run.tour.id === id) {
        if (!tour) this.stop(run.screenId);
        else run.tour = tour;
      }
  }

  private clear(run: Run): void {
    if (run.timer) clearTimeout(run.timer);
    if (run.prestartTimer) clearTimeout(run.prestartTimer);
    run.timer = run.prestartTimer = null;
  }

  private async resolve(step: TourStep): Promise<Resolved | null> {
    if ('cameraId' in step) return { layout: '1', cameras: [step.cameraId], profiles: ['main'] };
    const v = await this.d.view(step.viewId);
    return v ? { layout: v.layout, cameras: v.cameras, profiles: profiles(v.layout) } : null;
  }

  private offline(run: Run, id: string): boolean {
    const cam = this.d.camera(id);
    return !cam || cam.status === 'offline' || run.failed.has(id);
  }

  /**
   * Starts the streams of step `i` (a failure marks the camera offline for its turn); a step whose cameras are all
   * offline will be skipped, so the step after it is started instead (at most one round). Resolves with the layout
   * and the cameras started by pane (null: none or offline), or null when nothing was.
   */
  private async prestartStep(
    run: Run,
    i: number,
    hops = 0,
  ): Promise<{ layout: string; cameras: Array<string | null> } | null> {
    const r = await this.resolve(run.tour.steps[i % run.tour.steps.length]!).catch(() => null);
    const live = (r?.cameras ?? []).map((id, pane) => ({ id, pane })).filter((c) => c.id && !this.offline(run, c.id));
    if (!live.length && hops < run.tour.steps.length - 1) return this.prestartStep(run, i + 1, hops + 1);
    if (!r || !live.length) return null;
    await Promise.all(
      live.map(async ({ id, pane }) => {
        try {
          await this.d.prestart(run.screenId, id!, r!.profiles[pane] ?? 'sub');
        } catch (err) {
          run.failed.add(id!);
          this.d.log(
            'warn',
            `wall: tour ${run.tour.id} on screen ${run.screenId}: camera ${id} skipped: ${String(err)}`,
          );
        }
      }),
    );
    return { layout: r.layout, cameras: r.cameras.map((id) => (id && !this.offline(run, id) ? id : null)) };
  }

  /**
   * Shows the run's current step. A step whose cameras are all offline is skipped (at most one round of steps): its
   * cameras are carried as markers to the first pane of the step shown.
   */
  private async show(run: Run, carried: Array<{ cameraId: string; cameraName: string }>, hops = 0): Promise<void> {
    if (this.runs.get(run.screenId) !== run || run.paused) return;
    const { steps } = run.tour;
    const step = steps[run.step % steps.length]!;
    const r = await this.resolve(step).catch(() => null);
    const skipped = new Map<number, Array<{ cameraId: string; cameraName: string }>>();
    const cameras = (r?.cameras ?? []).map((id, pane) => {
      if (!id || !this.offline(run, id)) return id;
      skipped.set(pane, [{ cameraId: id, cameraName: this.d.camera(id)?.name ?? id }]);
      return null;
    });
    if (!cameras.some((c) => c !== null) && hops < steps.length - 1) {
      // the step after it was started before this one's turn (prestartStep skips alike)
      run.step = (run.step + 1) % steps.length;
      return this.show(run, [...carried, ...[...skipped.values()].flat()], hops + 1);
    }
    if (carried.length) {
      const first = Math.max(
        0,
        cameras.findIndex((c) => c !== null),
      );
      skipped.set(first, [...carried, ...(skipped.get(first) ?? [])]);
    }
    if (this.runs.get(run.screenId) !== run || run.paused) return;
    const overlay: ScreenOverlay = {
      tour: { id: run.tour.id, name: run.tour.name, step: run.step, steps: steps.length, paused: false },
      skipped,
      alarm: null,
    };
    const current = (): boolean => this.runs.get(run.screenId) === run && !run.paused;
    await this.d.show(run.screenId, r?.layout ?? '1', cameras, overlay, current);
    if (!current()) return;
    await this.d.saveStep(run.screenId, run.step).catch((err: unknown) => this.d.log('warn', `wall: ${String(err)}`));
    const dwellMs = step.dwellS * 1000;
    const next = (run.step + 1) % steps.length;
    run.prestartTimer = setTimeout(
      () => {
        run.failed.clear();
        this.track(
          this.prestartStep(run, next).then(async (started) => {
            if (!started || this.runs.get(run.screenId) !== run || run.paused || run.step === next) return;
            await this.d.preview(run.screenId, started);
          }),
        );
      },
      Math.max(0, dwellMs - PRESTART_S * 1000),
    );
    run.timer = setTimeout(() => {
      run.step = next;
      this.track(this.show(run, []));
    }, dwellMs);
    run.prestartTimer.unref();
    run.timer.unref();
  }

  /** Keeps a step's work (showing it, starting streams) until it settles: close() waits for it; failures are logged. */
  private track(p: Promise<unknown>): void {
    const done = p
      .catch((err: unknown) => this.d.log('warn', `wall: tour: ${String(err)}`))
      .finally(() => this.inflight.delete(done));
    this.inflight.add(done);
  }

  /** Stops every tour (their state stays stored) and waits for the step work under way; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.ended();
    for (const id of [...this.runs.keys()]) {
      const run = this.runs.get(id)!;
      this.clear(run);
      this.runs.delete(id);
    }
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
