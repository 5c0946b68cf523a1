// Alarms on the wall: a linkage rule with a screen puts its alarm's cameras on that screen (a running tour is paused);
// when the alarm is closed the screen shows again what it showed before (and the tour goes on). What a screen showed
// before is stored with it, so this holds across a gateway restart.
import type { AuditWrite } from '../db/audit-repo';
import type { TourRunner } from './tour-runner';
import type { ScreenOverlay, WallService } from './wall-service';

type Skipped = Array<{ cameraId: string; cameraName: string }>;

/** What a screen showed before an alarm, as stored (the markers of skipped cameras as [pane, cameras] pairs). */
export interface ShownBefore {
  layout: string;
  cameras: Array<string | null>;
  overlay: { tour: ScreenOverlay['tour']; skipped: Array<[number, Skipped]>; alarm: string | null };
}

/** The alarm a screen shows, as stored. */
export interface AlarmDisplay {
  screenId: number;
  departmentId: number;
  alarmId: string;
  before: ShownBefore;
  /** Whether the screen's tour was paused for the alarm. */
  tourPaused: boolean;
}

export interface WallAlarmDeps {
  wall: WallService;
  runner: TourRunner;
  audit: { append(e: AuditWrite): Promise<void> };
  store: {
    displays(): Promise<AlarmDisplay[]>;
    set(screenId: number, d: Omit<AlarmDisplay, 'screenId' | 'departmentId'> | null): Promise<void>;
  };
  /** An alarm's state and department (null: gone). */
  alarm(id: string): Promise<{ state: string; departmentId: number } | null>;
  /** The screen of a rule (null: none or no such rule). */
  ruleScreen(ruleId: number): number | null;
  /** A screen's layout and cameras by pane (null: gone). */
  content(screenId: number): Promise<{ layout: string; cameras: Array<string | null> } | null>;
  log(level: 'warn', msg: string): void;
}

/** The smallest fixed layout holding n cameras. */
export function layoutFor(n: number): string {
  return n <= 1 ? '1' : n <= 4 ? '4' : n <= 6 ? '6' : n <= 9 ? '9' : '16';
}

export class WallAlarms {
  /** What each screen showing an alarm showed before it (the first alarm's; a later one replaces the cameras only). */
  private readonly shown = new Map<number, Omit<AlarmDisplay, 'screenId'>>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly d: WallAlarmDeps) {}

  /**
   * Reads the alarms screens showed when the gateway stopped (each screen's state names its alarm again) and answers
   * the screens whose tour is paused for one: those tours are resumed paused. Then `settle()`.
   */
  async restore(): Promise<Set<number>> {
    const paused = new Set<number>();
    for (const s of await this.d.store.displays()) {
      this.shown.set(s.screenId, s);
      if (s.tourPaused) paused.add(s.screenId);
      const tour = s.before.overlay.tour;
      await this.d.wall.setOverlay(s.screenId, {
        tour: tour ? { ...tour, paused: true } : null,
        skipped: new Map(),
        alarm: s.alarmId,
      });
    }
    return paused;
  }

  /** The alarms closed (or gone) while the gateway was stopped: their screens show again what they showed before. */
  settle(): void {
    this.run(async () => {
      for (const [screenId, s] of [...this.shown]) {
        const a = await this.d.alarm(s.alarmId);
        if (!a || a.state === 'closed') await this.restoreScreen(screenId, s, a?.departmentId ?? s.departmentId);
      }
    });
  }

  /** An alarm was raised with these cameras: shown on its rule's screen, if it has one. */
  raised(alarm: { id: string; ruleId: number | null; departmentId: number }, cameras: Array<{ id: string }>): void {
    const screenId = alarm.ruleId === null ? null : this.d.ruleScreen(alarm.ruleId);
    if (screenId === null || !cameras.length) return;
    this.run(async () => {
      const prev = this.shown.get(screenId);
      let before = prev?.before;
      let tourPaused = prev?.tourPaused ?? false;
      if (!before) {
        const content = await this.d.content(screenId);
        if (!content) return;
        tourPaused = this.d.runner.pause(screenId);
        const o = this.d.wall.overlay(screenId);
        before = { ...content, overlay: { tour: o.tour, skipped: [...o.skipped], alarm: o.alarm } };
      }
      const shown = { departmentId: alarm.departmentId, alarmId: alarm.id, before, tourPaused };
      this.shown.set(screenId, shown);
      await this.d.store.set(screenId, shown);
      const overlay: ScreenOverlay = {
        tour: before.overlay.tour ? { ...before.overlay.tour, paused: true } : null,
        skipped: new Map(),
        alarm: alarm.id,
      };
      const ids = cameras.slice(0, 16).map((c) => c.id);
      await this.d.wall.drive(screenId, layoutFor(ids.length), ids, overlay);
      await this.audit(alarm.departmentId, screenId, 'wall.alarm.show', { alarmId: alarm.id, cameras: ids });
    });
  }

  /** An alarm moved: once closed, the screens showing it show again what they showed before. */
  moved(alarm: { id: string; state: string; departmentId: number }): void {
    if (alarm.state !== 'closed') return;
    this.run(async () => {
      for (const [screenId, s] of [...this.shown])
        if (s.alarmId === alarm.id) await this.restoreScreen(screenId, s, alarm.departmentId);
    });
  }

  /**
   * The screen's tour was stopped while it showed an alarm: closing the alarm brings back the screen's content without
   * the tour (the overlay would otherwise name a tour that no longer runs).
   */
  tourStopped(screenId: number): void {
    this.run(async () => {
      const s = this.shown.get(screenId);
      if (!s || (!s.tourPaused && !s.before.overlay.tour)) return;
      const next = { ...s, tourPaused: false, before: { ...s.before, overlay: { ...s.before.overlay, tour: null } } };
      this.shown.set(screenId, next);
      await this.d.store.set(screenId, next);
    });
  }

  private async restoreScreen(screenId: number, s: Omit<AlarmDisplay, 'screenId'>, departmentId: number) {
    this.shown.delete(screenId);
    await this.d.store.set(screenId, null);
    const { layout, cameras, overlay } = s.before;
    await this.d.wall.drive(screenId, layout, cameras, { ...overlay, skipped: new Map(overlay.skipped) });
    if (s.tourPaused) this.d.runner.resume(screenId);
    await this.audit(departmentId, screenId, 'wall.alarm.restore', { alarmId: s.alarmId });
  }

  /** Waits for the screen changes under way (none is started after). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private run(f: () => Promise<void>): void {
    if (this.closed) return;
    this.queue = this.queue
      .then(f)
      .catch((err: unknown) => this.d.log('warn', `wall: alarm on a screen: ${String(err)}`));
  }

  private audit(departmentId: number, screenId: number, action: string, detail: Record<string, unknown>) {
    return this.d.audit.append({
      actorType: 'system',
      actorName: 'wall',
      departmentId,
      action,
      targetType: 'wall_screen',
      targetId: screenId,
      detail,
    });
  }
}
