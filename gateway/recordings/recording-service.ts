// Recording: recorders per plan, the index of closed segments, spans, evidence holds, plans, reconciliation at start and retention.
import { mkdir } from 'node:fs/promises';
import type { ClosedSegment } from '../../transcoder/record/segment-writer';
import { NotFoundError } from '../errors';
import type { PlanRecord, RecordingPlansRepo } from '../db/recording-plans-repo';
import type { RecordingsRepo } from '../db/recordings-repo';
import type { EvidenceHoldsRepo } from '../db/evidence-holds-repo';
import { auditAs, Footage, type RecordingActor, type RecordingAudit } from './footage';
import { checkPlan, desiredNow, resolvePlan, type EffectivePlan } from './plan-rules';
import { reconcileVolume, type ReconcileReport } from './reconcile';
import { Recorder, type RecorderStatus, type RecordingSource } from './recorder';
import { Retention, type RetentionReport } from './retention';
import { pickVolume, Volume } from './volume';
import type { RecordingCamera, RecordingCameras, RecordingOptions } from './recording-types';

export type { RecordingActor, RecordingAudit } from './footage';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/**
 * Lifecycle: `new RecordingService(...)` → `await start()` (reconciles every volume before anything is
 * written, then runs recorders per plan and retention) → `await close()` (recorders' open segments closed).
 */
export class RecordingService {
  readonly volumes = new Map<string, Volume>();
  /** Spans, segments, files and evidence holds, from the index. */
  readonly footage: Footage;
  private readonly recorders = new Map<string, Recorder>();
  private readonly retention: Retention;
  private readonly listeners = new Set<(s: RecorderStatus) => void>();
  private readonly written = new Set<(s: { cameraId: string; bytes: number; volume: string }) => void>();
  private readonly planChanges = new Set<() => void>();
  private cameras: RecordingCamera[] = [];
  private plans: PlanRecord[] = [];
  private stale = true;
  private timers: NodeJS.Timeout[] = [];
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private closed = false;
  private pendingIndex = new Set<Promise<void>>();
  /** What reconciliation did at start, per volume. */
  reconciled: ReconcileReport[] = [];

  constructor(
    private readonly source: RecordingSource,
    private readonly cameraSource: RecordingCameras,
    private readonly repo: RecordingsRepo,
    holdsRepo: EvidenceHoldsRepo,
    private readonly plansRepo: RecordingPlansRepo,
    private readonly audit: RecordingAudit,
    private readonly o: RecordingOptions,
    private readonly log: Log,
  ) {
    for (const v of o.volumes) {
      const vol = new Volume(v, o.reserveBytes);
      this.volumes.set(vol.path, vol);
    }
    this.retention = new Retention(repo, o.lowWater, log);
    this.footage = new Footage(repo, holdsRepo, [...this.volumes.keys()], audit, o);
  }

  async start(): Promise<ReconcileReport[]> {
    await this.reload();
    const dept = new Map(this.cameras.map((c) => [c.id, c.departmentId]));
    for (const v of this.volumes.values()) {
      await mkdir(v.path, { recursive: true });
      const r = await reconcileVolume(v.path, this.repo, async (id) => dept.get(id) ?? null, this.log);
      this.reconciled.push(r);
      this.log(
        'info',
        `recording: reconciled ${v.path}: ${r.checked} segments present, ${r.tempRemoved} temporary files removed, ` +
          `${r.orphansIndexed} orphans indexed, ${r.orphansRemoved} unreadable removed, ${r.missingMarked} marked missing`,
      );
      v.indexedBytes = await this.repo.volumeBytes(v.path);
      await this.retention.enforceQuota(v);
    }
    if (this.o.enabled) {
      this.timers.push(setInterval(() => void this.tick(), this.o.planIntervalS * 1000));
      void this.tick();
    }
    this.timers.push(
      setInterval(
        () => void this.enforceRetention().catch((e) => this.fail('retention', e)),
        this.o.retentionIntervalS * 1000,
      ),
    );
    for (const t of this.timers) t.unref();
    return this.reconciled;
  }

  /** Cameras or plans changed: re-read them at the next evaluation (and evaluate now). */
  invalidate(): void {
    this.stale = true;
    if (this.o.enabled && !this.closed) void this.tick();
  }

  /** One evaluation of every camera's plan (also run on an interval); resolves when done. */
  tick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // asked during an evaluation (a lease gained or lost meanwhile): one more right after it
    if (this.ticking) this.tickAgain = true;
    this.ticking ??= this.evaluate()
      .catch((e) => this.fail('plan evaluation', e))
      .finally(() => {
        this.ticking = null;
        if (this.tickAgain) {
          this.tickAgain = false;
          void this.tick();
        }
      });
    return this.ticking;
  }

  status(): RecorderStatus[] {
    return [...this.recorders.values()].map((r) => r.status);
  }

  /** Recorder state changes (recording, standby, failed with the reason, off). Returns the unsubscribe. */
  onStatus(fn: (s: RecorderStatus) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** A plan created, replaced or removed here (a cluster tells the other nodes). Returns the unsubscribe. */
  onPlansChanged(fn: () => void): () => void {
    this.planChanges.add(fn);
    return () => void this.planChanges.delete(fn);
  }

  /** Each segment written (closed, renamed): its camera, bytes and volume path. Returns the unsubscribe. */
  onSegment(fn: (s: { cameraId: string; bytes: number; volume: string }) => void): () => void {
    this.written.add(fn);
    return () => void this.written.delete(fn);
  }

  /** The plan in force for a camera. */
  planOf(cam: { id: string; departmentId: number | null; tags: readonly string[] }): EffectivePlan {
    return resolvePlan(cam, this.plans, {
      ...this.o.defaultPlan,
      retentionDays: this.o.retentionDays,
      eventRetentionDays: this.o.eventRetentionDays,
    });
  }

  async listPlans(): Promise<PlanRecord[]> {
    return this.plansRepo.all();
  }

  /** Creates or replaces a plan (checked, audited); recorders follow within one evaluation. */
  async setPlan(input: Record<string, unknown>, actor: RecordingActor): Promise<PlanRecord> {
    const plan = await this.plansRepo.upsert(checkPlan(input, this.o.maxPreRollS, String(actor.id)));
    await auditAs(this.audit, actor, 'recording.plan', { type: 'recording_plan', id: String(plan.id) }, { ...plan });
    this.invalidate();
    for (const fn of this.planChanges) fn();
    return plan;
  }

  async removePlan(id: number, actor: RecordingActor): Promise<void> {
    if (!(await this.plansRepo.remove(id))) throw new NotFoundError(`recording: no plan ${id}`);
    await auditAs(this.audit, actor, 'recording.plan.remove', { type: 'recording_plan', id: String(id) }, {});
    this.invalidate();
    for (const fn of this.planChanges) fn();
  }

  /**
   * An event on a camera: records from pre-roll before to post-roll after it when the camera's plan records events.
   * `alarm` (an alarm rule's rolls, seconds): recorded whatever the camera's plan says (off, outside its schedule),
   * the pre-roll capped at `maxPreRollS` and at what the pull holds (nothing when nobody pulled the camera).
   * False when the camera cannot be recorded: no stream, its address refused, or its recorder failing to reach it.
   */
  trigger(
    cameraId: string,
    eventId: string,
    atMs = Date.now(),
    alarm?: { preRollS: number; postRollS: number },
  ): boolean {
    const r = alarm && { preRollS: Math.min(alarm.preRollS, this.o.maxPreRollS), postRollS: alarm.postRollS };
    if (!alarm) return this.recorders.get(cameraId)?.trigger(eventId, atMs, Date.now(), r) ?? false;
    const cam = this.cameras.find((c) => c.id === cameraId);
    if (!cam || this.closed) return false;
    const plan = this.planOf(cam);
    const spec = cam.spec(plan.profile);
    if (!spec) return false;
    const rec = this.recorders.get(cameraId) ?? this.newRecorder(cameraId);
    rec.trigger(eventId, atMs, Date.now(), r, true);
    void rec.poke(plan, spec, Date.now()).catch((e) => this.fail(`camera ${cameraId}`, e));
    // a recorder that cannot reach its camera now records the alarm only if the camera comes back in time
    return !(rec.status.state === 'failed' && rec.status.cause === 'stream');
  }

  /**
   * The profile a camera's recorder pulls: for an alarm (recorded whatever the plan), or for an event when its plan
   * records (a recorder on standby or recording). Null when the camera is unknown, has no stream, or nothing records it.
   */
  recordedProfile(cameraId: string, alarm: boolean): { profile: 'main' | 'sub'; url: string } | null {
    const cam = this.cameras.find((c) => c.id === cameraId);
    if (!cam) return null;
    const plan = this.planOf(cam);
    const spec = cam.spec(plan.profile);
    if (!spec || (!alarm && plan.mode === 'off')) return null;
    return { profile: plan.profile, url: spec.url };
  }

  /** One retention pass: by age for every camera with footage, then by limit on every volume. */
  async enforceRetention(nowMs = Date.now()): Promise<RetentionReport> {
    const byId = new Map(this.cameras.map((c) => [c.id, c]));
    const rule = (cameraId: string, departmentId: number | null) =>
      this.planOf(byId.get(cameraId) ?? { id: cameraId, departmentId, tags: [] });
    const total = await this.retention.enforceAge(this.volumes, rule, nowMs);
    for (const v of this.volumes.values()) {
      const r = await this.retention.enforceQuota(v);
      total.deleted += r.deleted;
      total.freedBytes += r.freedBytes;
    }
    return total;
  }

  /** Resolves when the segments closed so far are indexed (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pendingIndex.size) await Promise.all([...this.pendingIndex]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.ticking;
    await Promise.all([...this.recorders.values()].map((r) => r.close()));
    await this.settled();
  }

  private async reload(): Promise<void> {
    this.cameras = await this.cameraSource.all();
    this.plans = await this.plansRepo.all();
    this.stale = false;
  }

  private async evaluate(): Promise<void> {
    if (this.stale) await this.reload();
    // a volume that refused writes is tried again here, so it is reported writable without a recorder on it
    for (const v of this.volumes.values()) if (v.writeFailure) await v.probe();
    const now = Date.now();
    const present = new Set<string>();
    for (const cam of this.cameras) {
      present.add(cam.id);
      const plan = this.planOf(cam);
      let rec = this.recorders.get(cam.id);
      if (!(await this.ownsNow(cam, plan, now))) {
        // cluster: recorded by the node holding the pull's lease
        if (rec) this.recorders.delete(cam.id);
        await rec?.close();
        continue;
      }
      if (!rec) {
        if (plan.mode === 'off') continue;
        rec = this.newRecorder(cam.id);
      }
      // not awaited: a camera slow to answer never holds up the others' schedules and post-rolls
      void rec.poke(plan, cam.spec(plan.profile), now).catch((e) => this.fail(`camera ${cam.id}`, e));
    }
    for (const [id, rec] of this.recorders)
      if (!present.has(id)) {
        this.recorders.delete(id);
        await rec.close();
      }
  }

  /** True unless a cluster places the pull a recorder would need now on another node (or cannot tell: fenced). */
  private async ownsNow(cam: RecordingCamera, plan: EffectivePlan, now: number): Promise<boolean> {
    const spec = cam.spec(plan.profile);
    if (!this.o.owns || !spec || desiredNow(plan, now) === 'off') return true;
    return this.o.owns(cam.id, plan.profile, spec.url).catch(() => false);
  }

  private newRecorder(cameraId: string): Recorder {
    const rec = new Recorder(cameraId, {
      source: this.source,
      pickVolume: () => pickVolume(this.volumes.values()),
      segmentSeconds: this.o.segmentSeconds,
      retryS: this.o.retryS,
      onSegment: (cam, seg, vol, profile) => {
        for (const fn of this.written) fn({ cameraId: cam, bytes: seg.bytes, volume: vol.path });
        this.index(cam, seg, vol, profile);
      },
      onStatus: (s) => {
        if (s.state === 'failed') this.log('error', `recording: camera ${s.cameraId} failed: ${s.reason}`);
        for (const fn of this.listeners) fn(s);
      },
    });
    this.recorders.set(cameraId, rec);
    return rec;
  }

  private index(cameraId: string, seg: ClosedSegment, volume: Volume, profile: 'main' | 'sub'): void {
    const p = (async () => {
      const cam = this.cameras.find((c) => c.id === cameraId);
      const eventIds = this.recorders.get(cameraId)?.eventsIn(seg.startTime, seg.endTime) ?? [];
      await this.repo.insert({
        cameraId,
        departmentId: cam?.departmentId ?? null,
        profile,
        startMs: seg.startTime,
        endMs: seg.endTime,
        bytes: seg.bytes,
        volume: volume.path,
        path: seg.relPath,
        kind: eventIds.length ? 'event' : 'continuous',
        eventIds,
        generation: seg.generation,
      });
      volume.indexedBytes += seg.bytes;
      await this.retention.enforceQuota(volume);
    })()
      // the file stays: reconciliation indexes it at the next start
      .catch((e) => this.fail(`indexing ${seg.relPath}`, e))
      .finally(() => this.pendingIndex.delete(p));
    this.pendingIndex.add(p);
  }

  private fail(what: string, err: unknown): void {
    this.log('error', `recording: ${what} failed: ${(err as Error)?.message ?? String(err)}`);
  }
}
