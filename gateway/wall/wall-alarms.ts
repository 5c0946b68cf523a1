// Alarms on the wall: a linkage rule with a screen puts its alarm's cameras on that screen (a running tour is paused);
// when the alarm is closed the screen shows again what it showed before (and the tour goes on).
import type { AuditWrite } from '../db/audit-repo';
import type { TourRunner } from './tour-runner';
import type { ScreenOverlay, WallService } from './wall-service';

export interface WallAlarmDeps {
  wall: WallService;
  runner: TourRunner;
  audit: { append(e: AuditWrite): Promise<void> };
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

interface Shown {
  alarmId: string;
  before: { layout: string; cameras: Array<string | null>; overlay: ScreenOverlay };
  tourPaused: boolean;
}

export class WallAlarms {
  /** What each screen showing an alarm showed before it (the first alarm's; a later one replaces the cameras only). */
  private readonly shown = new Map<number, Shown>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly d: WallAlarmDeps) {}

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
        before = { ...content, overlay: this.d.wall.overlay(screenId) };
      }
      this.shown.set(screenId, { alarmId: alarm.id, before, tourPaused });
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
        if (s.alarmId === alarm.id) {
          this.shown.delete(screenId);
          const { layout, cameras, overlay } = s.before;
          await this.d.wall.drive(screenId, layout, cameras, overlay);
          if (s.tourPaused) this.d.runner.resume(screenId);
          await this.audit(alarm.departmentId, screenId, 'wall.alarm.restore', { alarmId: alarm.id });
        }
    });
  }

  private run(f: () => Promise<void>): void {
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
