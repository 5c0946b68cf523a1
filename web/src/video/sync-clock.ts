// One clock for the playback panes of a wall: a seek in one pane seeks them all; a pane that drifts is held or re-seeked to the leader's time.

/** A pane's playback as the clock drives it. */
export interface SyncMember {
  readonly cameraId: string;
  /** Whether the pane plays back recorded footage now (not live). */
  active(): boolean;
  /** Plays from wall-clock `ms` (opening playback when live), without asking the clock again. */
  playAt(ms: number): void;
  /** The wall-clock time of the frame shown, or null. */
  wallNow(): number | null;
  /** Pauses (true) or resumes (false) the picture. */
  hold(on: boolean): void;
  /** Returns to the live picture, without asking the clock again. */
  toLive(): void;
}

/** A pane more than this ahead of the slowest waits for it (ms)... */
const AHEAD_MS = 300;
/** ...until it is this close (ms). */
const RELEASE_MS = 80;
/** A pane more than this behind the most advanced is re-seeked to its time (ms). */
const BEHIND_MS = 4000;
/** A picture that has not moved for this long (ms), unless held, is not waited for. */
const STALL_MS = 2000;
/** No second re-seek of a pane within this (ms): its new session needs time to show a picture. */
const RESEEK_PAUSE_MS = 5000;
const TICK_MS = 200;

export class SyncClock {
  private readonly members: SyncMember[] = [];
  private readonly held = new Set<SyncMember>();
  private readonly reseekedAt = new Map<SyncMember, number>();
  /** Each pane's last time seen to change, and when. */
  private readonly moved = new Map<SyncMember, { t: number; at: number }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private on = false;
  private readonly listeners = new Set<(on: boolean) => void>();

  get enabled(): boolean {
    return this.on;
  }

  /** Adds a pane; returns its removal. */
  join(m: SyncMember): () => void {
    this.members.push(m);
    return () => {
      const i = this.members.indexOf(m);
      if (i >= 0) this.members.splice(i, 1);
      this.held.delete(m);
      this.reseekedAt.delete(m);
      this.moved.delete(m);
    };
  }

  /** Turns the common clock on (the panes already playing back follow the first one's time) or off. */
  setEnabled(on: boolean): void {
    this.on = on;
    if (this.timer) clearInterval(this.timer);
    this.timer = on ? setInterval(this.tick, TICK_MS) : null;
    if (!on) for (const m of this.held) m.hold(false);
    this.held.clear();
    for (const l of this.listeners) l(on);
    const t = on ? this.now() : null;
    if (t !== null) for (const m of this.members) if (m.wallNow() === null) m.playAt(t);
  }

  onChange(fn: (on: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A pane's seek: with the clock on, every pane plays from `ms`; false when the clock is off (the pane seeks alone). */
  seek(ms: number): boolean {
    if (!this.on) return false;
    this.held.clear();
    const now = Date.now();
    for (const m of this.members) {
      this.reseekedAt.set(m, now);
      this.moved.delete(m);
      m.playAt(ms);
    }
    return true;
  }

  /** A pane's return to live: with the clock on, every pane returns; false when off. */
  live(): boolean {
    if (!this.on) return false;
    for (const m of this.members) if (m.active()) m.toLive();
    return true;
  }

  /** The common time: the first pane that shows a recorded frame; null when none does. */
  now(): number | null {
    for (const m of this.members) {
      const t = m.active() ? m.wallNow() : null;
      if (t !== null) return t;
    }
    return null;
  }

  /** Camera ids of the panes playing back on the clock. */
  cameras(): string[] {
    return this.members.filter((m) => m.active()).map((m) => m.cameraId);
  }

  /**
   * Keeps the panes on one time: the reference is the slowest pane still playing (a pane whose picture has not moved
   * for STALL_MS, e.g. at the end of its footage, is left out); a pane ahead of it waits, one far behind the others is
   * re-seeked to them.
   */
  private readonly tick = (): void => {
    const now = Date.now();
    const shown = this.members
      .filter((m) => m.active())
      .map((m) => ({ m, t: m.wallNow() }))
      .filter((x): x is { m: SyncMember; t: number } => x.t !== null);
    for (const { m, t } of shown) {
      const prev = this.moved.get(m);
      if (!prev || Math.abs(t - prev.t) > 50) this.moved.set(m, { t, at: now });
    }
    const going = shown.filter(({ m }) => this.held.has(m) || now - (this.moved.get(m)?.at ?? 0) < STALL_MS);
    if (!going.length) return;
    const lead = Math.max(...going.map((x) => x.t));
    const behind = going.filter(
      ({ m, t }) => lead - t > BEHIND_MS && now - (this.reseekedAt.get(m) ?? 0) > RESEEK_PAUSE_MS,
    );
    for (const { m } of behind) {
      this.reseekedAt.set(m, now);
      m.playAt(lead);
    }
    const rest = going.filter((x) => !behind.includes(x));
    if (!rest.length) return;
    const ref = Math.min(...rest.map((x) => x.t));
    for (const { m, t } of rest) {
      const d = t - ref;
      if (d > AHEAD_MS && !this.held.has(m)) {
        this.held.add(m);
        m.hold(true);
      } else if (d <= RELEASE_MS && this.held.has(m)) {
        this.held.delete(m);
        m.hold(false);
      }
    }
  };

  /** Stops the clock; idempotent. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.on = false;
    this.members.length = 0;
    this.listeners.clear();
  }
}
