// The GOPs a hub keeps: the current one (warm joins, snapshots) and recent whole ones (instant replay), bounded.
import type { Fragment } from '../fmp4/types';
import type { HubLimits } from './types';

interface Gop {
  fragments: Fragment[];
  bytes: number;
  /** Sum of the fragments' durations (seconds). */
  seconds: number;
}

/**
 * Fragments of one run grouped by keyframe. The current GOP (from the newest keyframe) is kept up to
 * maxGopBytes: beyond, it is dropped and nothing is cached until the next keyframe (and the replay
 * GOPs before the gap are dropped too, so a replay is always continuous). Completed GOPs are kept
 * while the ones after them cover less than replaySeconds, and within maxReplayBytes (oldest first out).
 */
export class GopBuffer {
  private cur: Gop | null = null;
  private done: Gop[] = [];
  private doneBytes = 0;
  private doneSeconds = 0;
  private key: Fragment | null = null;

  constructor(private readonly limits: Pick<HubLimits, 'maxGopBytes' | 'replaySeconds' | 'maxReplayBytes'>) {}

  /** Bytes of the current GOP. */
  get gopBytes(): number {
    return this.cur?.bytes ?? 0;
  }

  /** Bytes of the completed GOPs kept for replay. */
  get replayBytes(): number {
    return this.doneBytes;
  }

  add(f: Fragment): void {
    if (f.keyframe) {
      const prev = this.cur;
      this.key = f;
      this.cur = { fragments: [], bytes: 0, seconds: 0 };
      if (prev) this.complete(prev);
    }
    const g = this.cur;
    if (!g) return;
    g.fragments.push(f);
    g.bytes += f.data.length;
    g.seconds += f.durationS;
    if (g.bytes > this.limits.maxGopBytes) {
      this.cur = null;
      this.done = [];
      this.doneBytes = 0;
      this.doneSeconds = 0;
    }
  }

  /** The current GOP from its keyframe (empty while none is cached). */
  current(): Fragment[] {
    return this.cur ? [...this.cur.fragments] : [];
  }

  /** The newest keyframe fragment, or null. */
  keyframe(): Fragment | null {
    return this.key;
  }

  /** The newest whole GOPs (the current one included) covering ≥ seconds, or all that are held. */
  replay(seconds: number): Fragment[] {
    const gops = this.cur ? [...this.done, this.cur] : [...this.done];
    let from = gops.length;
    let covered = 0;
    while (from > 0 && covered < seconds) covered += gops[--from]!.seconds;
    return gops.slice(from).flatMap((g) => g.fragments);
  }

  /** A new run: nothing of the old one is kept. */
  reset(): void {
    this.cur = null;
    this.key = null;
    this.done = [];
    this.doneBytes = 0;
    this.doneSeconds = 0;
  }

  clear(): void {
    this.reset();
  }

  private complete(g: Gop): void {
    this.done.push(g);
    this.doneBytes += g.bytes;
    this.doneSeconds += g.seconds;
    const { replaySeconds, maxReplayBytes } = this.limits;
    const held = () => this.doneSeconds + (this.cur?.seconds ?? 0);
    while (this.done.length) {
      const oldest = this.done[0]!;
      const tooBig = this.doneBytes > maxReplayBytes;
      const notNeeded = held() - oldest.seconds >= replaySeconds;
      if (!tooBig && !notNeeded) break;
      this.done.shift();
      this.doneBytes -= oldest.bytes;
      this.doneSeconds -= oldest.seconds;
    }
  }
}
