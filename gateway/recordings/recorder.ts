// One camera's recorder: the stream acquired through the supervisor (never a second camera session), a keepAlive segment writer on its hub.
import type { Tap } from '../../transcoder/fanout/types';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { SegmentWriter, type ClosedSegment } from '../../transcoder/record/segment-writer';
import type { StreamSpec } from '../../transcoder/stream-spec';
import type { EffectivePlan } from './plan-rules';
import { desiredNow } from './plan-rules';
import type { Volume } from './volume';

/** What the recorder needs of the supervisor (STYLE §5): the pull's output and its hub. */
export interface RecordingSource {
  acquire(spec: StreamSpec): Promise<{ key: string }>;
  hub(key: string): RecordingHub | undefined;
}

/** What the recorder needs of a stream hub. */
export interface RecordingHub {
  addTap(tap: Tap, opts?: { keepAlive?: boolean }): () => void;
  replay(seconds: number): { init: InitSegment; fragments: Fragment[] } | null;
}

export type RecorderState = 'off' | 'starting' | 'recording' | 'standby' | 'failed';

/** Why a recorder failed: its volume refused a write, its volume is full of held footage, or its stream could not be had. */
export type RecorderCause = 'write' | 'volume-full' | 'stream';

export interface RecorderStatus {
  cameraId: string;
  state: RecorderState;
  reason: string;
  profile: 'main' | 'sub';
  /** Volume written to while attached. */
  volume: string | null;
  since: number;
  /** While failed: why (null otherwise). */
  cause: RecorderCause | null;
  /** A write failure's errno code (EROFS, ENOSPC, EACCES, ENOTDIR, …). */
  code: string | null;
}

export interface RecorderDeps {
  source: RecordingSource;
  /** The volume a newly attached writer writes to. */
  pickVolume(): Promise<Volume>;
  segmentSeconds: number;
  retryS: number;
  onSegment(cameraId: string, seg: ClosedSegment, volume: Volume, profile: 'main' | 'sub'): void;
  onStatus(s: RecorderStatus): void;
}

interface Attached {
  key: string;
  hub: RecordingHub;
  writer: SegmentWriter;
  removeTap: () => void;
  profile: 'main' | 'sub';
  url: string;
  volume: Volume;
}

export class Recorder {
  private att: Attached | null = null;
  private nextTryAt = 0;
  private failedAt = 0;
  private eventUntil = 0;
  /** End of an alarm's recording, which holds whatever the plan says (0: none). */
  private forcedUntil = 0;
  /** The pre-roll of an alarm that came before the writer was attached (replayed when it starts writing). */
  private pendingPreRollS: number | null = null;
  private events: Array<{ id: string; fromMs: number; toMs: number }> = [];
  private st: RecorderStatus;
  private plan: EffectivePlan | null = null;
  private inflight: Promise<void> | null = null;
  /** After a write failure: the state stays 'failed' until a segment is stored again. */
  private recovering = false;
  /** The reason of the 'recording' state the last evaluation chose. */
  private writingReason = 'recording';

  constructor(
    readonly cameraId: string,
    private readonly deps: RecorderDeps,
  ) {
    const st = { cameraId, state: 'off' as const, reason: 'not started', profile: 'main' as const, volume: null };
    this.st = { ...st, since: Date.now(), cause: null, code: null };
  }

  get status(): RecorderStatus {
    return this.st;
  }

  /** Starts an update unless one runs (an acquire may take seconds); resolves when the running one ends. */
  poke(plan: EffectivePlan, spec: StreamSpec | null, nowMs: number): Promise<void> {
    this.inflight ??= this.update(plan, spec, nowMs).finally(() => (this.inflight = null));
    return this.inflight;
  }

  /** Brings the recorder in line with `plan` now (spec null: the camera has no stream for the plan's profile). */
  async update(plan: EffectivePlan, spec: StreamSpec | null, nowMs: number): Promise<void> {
    this.plan = plan;
    let desired = spec ? desiredNow(plan, nowMs) : 'off';
    // an alarm records whatever the plan says, until its post-roll is written (the writer pauses itself then)
    if (desired === 'off' && spec && (this.forcedUntil > nowMs || (this.forcedUntil > 0 && this.att?.writer.writing)))
      desired = 'standby';
    if (desired === 'off') {
      await this.detach();
      this.recovering = false;
      this.forcedUntil = 0;
      this.pendingPreRollS = null;
      return this.set('off', spec ? `plan ${plan.source}: ${plan.mode}` : `no ${plan.profile} stream`);
    }
    const a = this.att;
    if (a && (this.deps.source.hub(a.key) !== a.hub || a.profile !== plan.profile || a.url !== spec!.url)) {
      await this.detach();
      this.nextTryAt = 0;
    }
    if (!this.att) {
      if (nowMs < this.nextTryAt) return;
      if (!(await this.attach(spec!, plan))) return;
    }
    const w = this.att!.writer;
    const wantWrite = desired === 'continuous' || this.eventUntil > nowMs;
    if (this.att!.volume.full) {
      if (!w.standby) w.pause();
      return this.set('failed', `volume ${this.att!.volume.path} is full of held footage`, 'volume-full');
    }
    if (w.failed) {
      if (nowMs - this.failedAt < this.deps.retryS * 1000)
        return this.set('failed', w.failed.message, 'write', w.failed.code);
      // a new writer on the volume picked now: another volume when one is writable, else this one again
      // (the new tap added before the old one goes, so the pull never loses its keepAlive in between)
      this.recovering = true;
      const old = this.att!;
      this.att = null;
      const ok = await this.attach(spec!, plan);
      old.removeTap();
      await old.writer.close();
      if (!ok) return;
    }
    const wr = this.att!.writer;
    if (wantWrite && wr.standby)
      wr.resume(desired === 'standby' ? this.att!.hub.replay(this.pendingPreRollS ?? plan.preRollS) : null);
    // an event's post-roll ends when the footage reaches it (the writer pauses itself then)
    else if (!wantWrite && !wr.standby) {
      if (desired === 'standby' && this.eventUntil > 0) wr.pauseAfter(this.eventUntil);
      else wr.pause();
    }
    this.pendingPreRollS = null;
    const writing = wantWrite || !wr.standby;
    this.writingReason = desired === 'standby' ? 'event' : `plan ${plan.source}`;
    if (writing && this.recovering) return; // 'failed' until a segment is stored again (onSegment)
    this.recovering = false;
    this.set(writing ? 'recording' : 'standby', writing ? this.writingReason : 'waiting for events');
  }

  /**
   * An event on this camera: recording runs until post-roll after it, from pre-roll before it (what the hub holds).
   * Returns false when the camera does not record events now (plan off, not attached). `roll` replaces the plan's
   * pre-roll and post-roll (seconds; an alarm rule's), the pre-roll at most what the hub holds. `force` (an alarm):
   * recorded whatever the plan says; when not attached, the next update() attaches and replays what the hub holds.
   */
  trigger(
    eventId: string,
    atMs: number,
    nowMs: number,
    roll?: { preRollS: number; postRollS: number },
    force = false,
  ): boolean {
    const plan = this.plan;
    if (!force && (!plan || !this.att)) return false;
    const preRollS = roll?.preRollS ?? plan?.preRollS ?? 0;
    const until = Math.max(atMs, nowMs) + (roll?.postRollS ?? plan?.postRollS ?? 0) * 1000;
    this.eventUntil = Math.max(this.eventUntil, until);
    if (force) this.forcedUntil = Math.max(this.forcedUntil, until);
    this.events.push({ id: eventId, fromMs: atMs - preRollS * 1000, toMs: until });
    if (!this.att) {
      this.pendingPreRollS = Math.max(this.pendingPreRollS ?? 0, preRollS);
      return true;
    }
    const w = this.att.writer;
    if (w.standby && !w.failed && !this.att.volume.full) {
      w.resume(this.att.hub.replay(preRollS));
      this.set('recording', 'event');
    }
    return true;
  }

  /** Ids of the events whose recording window overlaps [startMs, endMs]; old events are forgotten. */
  eventsIn(startMs: number, endMs: number): string[] {
    this.events = this.events.filter((e) => e.toMs > Date.now() - 3_600_000);
    return this.events.filter((e) => e.fromMs < endMs && e.toMs > startMs).map((e) => e.id);
  }

  async close(): Promise<void> {
    await this.inflight?.catch(() => undefined);
    await this.detach();
    this.set('off', 'closed');
  }

  private async attach(spec: StreamSpec, plan: EffectivePlan): Promise<boolean> {
    // a retry after a failure stays 'failed' until it succeeds (no starting/failed flapping in the log)
    if (this.st.state !== 'failed') this.set('starting', `acquiring ${plan.profile}`);
    let stage: RecorderCause = 'stream';
    try {
      // the pull's own output: H.265 kept as the camera sends it, nothing transcoded for recording
      const { key } = await this.deps.source.acquire({ ...spec, profile: plan.profile, passthroughH265: true });
      const hub = this.deps.source.hub(key);
      if (!hub) throw new Error(`stream ${key} stopped while starting`);
      stage = 'volume-full';
      const volume = await this.deps.pickVolume();
      const profile = plan.profile;
      const writer: SegmentWriter = new SegmentWriter({
        root: volume.path,
        cameraId: this.cameraId,
        profile,
        segmentSeconds: this.deps.segmentSeconds,
        active: false,
        onSegment: (seg) => {
          volume.writeFailure = null;
          this.deps.onSegment(this.cameraId, seg, volume, profile);
          if (!this.recovering || this.att?.writer !== writer) return;
          this.recovering = false;
          this.set('recording', this.writingReason);
        },
        onError: (f) => {
          this.failedAt = Date.now();
          void volume.probe(); // the volume, or only this camera's directory?
          this.set('failed', f.message, 'write', f.code);
        },
      });
      const removeTap = hub.addTap(writer, { keepAlive: true });
      this.att = { key, hub, writer, removeTap, profile, url: spec.url, volume };
      this.st = { ...this.st, volume: volume.path, profile };
      return true;
    } catch (err) {
      this.nextTryAt = Date.now() + this.deps.retryS * 1000;
      this.set('failed', `recording: camera ${this.cameraId}: ${(err as Error).message}`, stage);
      return false;
    }
  }

  private async detach(): Promise<void> {
    const a = this.att;
    if (!a) return;
    this.att = null;
    a.removeTap();
    await a.writer.close();
  }

  private set(
    state: RecorderState,
    reason: string,
    cause: RecorderCause | null = null,
    code: string | null = null,
  ): void {
    if (this.st.state === state && this.st.reason === reason) return;
    this.st = { ...this.st, state, reason, since: Date.now(), cause, code };
    this.deps.onStatus(this.st);
  }
}
