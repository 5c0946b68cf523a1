// Raises alarms from accepted events: matching rules → the nearest cameras covering the place (as the rule's department
// may see them) → event recording on them with the rule's rolls → the stored alarm → its department's operators notified.
import { alarmPrincipal, type Principal } from '../auth/policy';
import type { CameraSummary, SpatialHit } from '../contract';
import type { AlarmsRepo } from '../db/alarms-repo';
import type { StoredEvent } from '../events/event-model';
import type { AlarmMessage } from '../realtime/messages';
import type { Alarm, AlarmCamera, Selection } from './alarm-model';
import { matchingRules, severityOf, type CompiledRule } from './rule-match';
import type { AlarmRule } from './rule-model';
import type { RuleAudit } from './rule-service';

/** What choosing cameras needs of the spatial queries (spatial/spatial-queries.ts SpatialQueries answers). */
export interface CameraChooser {
  /** Cameras whose view sector holds the point, nearest first, the policy applied inside the scan. */
  covering(p: Principal, at: { lng: number; lat: number; crs: 'wgs84' }, limit: number, f: object): SpatialHit[];
  /** The nearest cameras within the radius, the policy applied inside the scan. */
  nearby(
    p: Principal,
    at: { lng: number; lat: number; crs: 'wgs84' },
    radiusM: number,
    limit: number,
    f: object,
    coveringFirst: boolean,
  ): SpatialHit[];
}

/** What starting event recording needs (recordings/recording-service.ts RecordingService answers). */
export interface AlarmRecorder {
  /**
   * Records the camera from pre-roll before to post-roll after the event whatever its recording plan (off included;
   * the pre-roll is what its pull holds). False when it cannot be recorded (no stream, its address refused).
   */
  trigger(cameraId: string, eventId: string, atMs: number, roll: { preRollS: number; postRollS: number }): boolean;
}

export interface RaiserDeps {
  rules(): readonly CompiledRule[];
  repo: AlarmsRepo;
  chooser: CameraChooser;
  recorder: AlarmRecorder;
  audit: RuleAudit;
  /** Sends the message to the operators the policy lets read the department's alarms. */
  notify(departmentId: number, m: AlarmMessage): void;
  log(level: 'warn' | 'error', msg: string): void;
}

/**
 * The cameras that see a place, as `p` may see them: the `cameraCount` nearest whose view sector holds it; when none
 * does, the nearest within `radiusM` (metres). Alarms choose as their rule's department (`alarmPrincipal`); the
 * event → video links choose as their caller.
 */
export function chooseCameras(
  chooser: CameraChooser,
  p: Principal,
  o: { cameraCount: number; radiusM: number },
  at: { lng: number; lat: number },
): { hits: SpatialHit[]; selection: Selection } {
  const where = { lng: at.lng, lat: at.lat, crs: 'wgs84' as const };
  const covering = chooser.covering(p, where, o.cameraCount, {});
  if (covering.length) return { hits: covering, selection: 'covering' };
  const near = chooser.nearby(p, where, o.radiusM, o.cameraCount, {}, false);
  return { hits: near, selection: near.length ? 'nearest' : 'none' };
}

export class AlarmRaiser {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly d: RaiserDeps) {}

  /** The accepted-event hook: every matching rule raises its alarm (asynchronously; failures are logged). */
  accept(e: StoredEvent): void {
    const rules = matchingRules(this.d.rules(), e);
    for (const rule of rules) {
      const job = this.raise(rule, e)
        .then(() => undefined)
        .catch((err: unknown) => this.d.log('error', `alarms: rule ${rule.id} on event ${e.id}: ${String(err)}`))
        .finally(() => this.pending.delete(job));
      this.pending.add(job);
    }
  }

  /** Raises the alarm of `rule` for `e`; null when this rule already raised one for the event. */
  async raise(rule: AlarmRule, e: StoredEvent): Promise<Alarm | null> {
    const { hits, selection } = chooseCameras(this.d.chooser, alarmPrincipal(rule), rule, e);
    const atMs = Date.parse(e.at);
    const roll = { preRollS: rule.preRollS, postRollS: rule.postRollS };
    const cameras: AlarmCamera[] = hits.map((h) => ({
      id: h.camera.id,
      distanceM: h.distanceM,
      covering: h.covering ?? selection === 'covering',
      recording: this.d.recorder.trigger(h.camera.id, e.id, atMs, roll),
    }));
    const alarm = await this.d.repo.insert({
      departmentId: rule.departmentId,
      ruleId: rule.id,
      ruleName: rule.name,
      eventId: e.id,
      eventAt: e.at,
      kind: e.kind,
      type: e.type,
      severity: severityOf(e),
      lng: e.lng,
      lat: e.lat,
      ackDueAt: new Date(Date.now() + rule.ackTimeoutS * 1000).toISOString(),
      ackTimeoutS: rule.ackTimeoutS,
      cameras,
      selection,
      preRollS: rule.preRollS,
      postRollS: rule.postRollS,
    });
    if (!alarm) return null;
    const summaries: CameraSummary[] = hits.map((h) => h.camera);
    this.d.notify(alarm.departmentId, { reason: 'raised', alarm, event: e, cameras: summaries });
    await this.d.audit.append({
      actorType: 'system',
      actorName: `alarm-rule:${rule.name}`,
      departmentId: alarm.departmentId,
      action: 'alarm.raise',
      targetType: 'alarm',
      targetId: alarm.id,
      detail: {
        ruleId: rule.id,
        eventId: e.id,
        selection,
        cameras: cameras.map((c) => c.id),
        recording: cameras.filter((c) => c.recording).map((c) => c.id),
      },
    });
    return alarm;
  }

  /** Resolves when the alarms being raised now are stored and sent (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
