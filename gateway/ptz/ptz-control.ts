// PTZ control of cameras: one holder per camera at a time, taken by priority (policy-ptz), lapsing after inactivity.
import type { Principal } from '../auth/policy-terms';
import { holds, mayTakePtz, type PtzHolder } from '../auth/policy-ptz';
import { PtzControlError } from './errors';

/** A change of a camera's controller: who holds it now (null: nobody) and whom it was taken from. */
export interface PtzControlChange {
  cameraId: string;
  holder: { name: string; priority: number; until: string } | null;
  /** The previous holder when control was taken from it or lapsed. */
  lost: { name: string; reason: 'taken' | 'lapsed' | 'released' } | null;
}

export interface PtzControlOptions {
  /** Control lapses after this many milliseconds without a command from its holder. */
  lapseMs: number;
  now?: () => number;
}

const pub = (h: PtzHolder): NonNullable<PtzControlChange['holder']> => ({
  name: h.name,
  priority: h.priority,
  until: new Date(h.until).toISOString(),
});

/** In-memory holders of the cameras' PTZ; `close()` clears the lapse timers. */
export class PtzControl {
  private readonly holders = new Map<string, { h: PtzHolder; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(c: PtzControlChange) => void>();
  private readonly now: () => number;

  constructor(private readonly opts: PtzControlOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Called on every change of holder (taken, lapsed, released). Returns the unsubscribe. */
  onChange(fn: (c: PtzControlChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Who holds the camera now, or null. */
  holder(cameraId: string): PtzControlChange['holder'] {
    const e = this.holders.get(cameraId);
    return e && e.h.until > this.now() ? pub(e.h) : null;
  }

  /**
   * Takes (or renews) control of the camera for p at `priority`; throws PtzControlError when the
   * holder keeps it. Returns whether p took it from someone else (a new holder).
   */
  take(cameraId: string, p: Principal, priority: number): { fresh: boolean } {
    const t = this.now();
    const cur = this.holders.get(cameraId);
    const live = cur && cur.h.until > t ? cur.h : null;
    if (!mayTakePtz(p, priority, live, t)) {
      const h = live!;
      throw new PtzControlError(cameraId, { name: h.name, priority: h.priority }, new Date(h.until).toISOString());
    }
    if (cur) clearTimeout(cur.timer);
    const mine = live !== null && holds(p, live);
    const h: PtzHolder = {
      kind: p.kind,
      id: p.id,
      name: p.name,
      priority: mine ? Math.max(live.priority, priority) : priority,
      until: t + this.opts.lapseMs,
    };
    const timer = setTimeout(() => this.lapse(cameraId, h), this.opts.lapseMs);
    timer.unref();
    this.holders.set(cameraId, { h, timer });
    if (!mine) this.emit({ cameraId, holder: pub(h), lost: live ? { name: live.name, reason: 'taken' } : null });
    return { fresh: !mine };
  }

  /** p gives control back (no-op when p does not hold it). */
  release(cameraId: string, p: Principal): void {
    const cur = this.holders.get(cameraId);
    if (!cur || !holds(p, cur.h)) return;
    clearTimeout(cur.timer);
    this.holders.delete(cameraId);
    this.emit({ cameraId, holder: null, lost: { name: cur.h.name, reason: 'released' } });
  }

  private lapse(cameraId: string, h: PtzHolder): void {
    const cur = this.holders.get(cameraId);
    if (cur?.h !== h) return;
    this.holders.delete(cameraId);
    this.emit({ cameraId, holder: null, lost: { name: h.name, reason: 'lapsed' } });
  }

  private emit(c: PtzControlChange): void {
    for (const l of this.listeners) l(c);
  }

  async close(): Promise<void> {
    for (const e of this.holders.values()) clearTimeout(e.timer);
    this.holders.clear();
    this.listeners.clear();
  }
}
