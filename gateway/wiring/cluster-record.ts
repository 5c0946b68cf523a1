// Recording and alarm rules in a cluster: plans and rules changed on one node are re-read by all; the footage of an event is kept by the node
// whose recorder pulls the camera (the holder of the pull's lease), whichever node took the event in: the trigger goes
// there over the change feed.
import type { RecordingService } from '../recordings/recording-service';
import type { ClusterStreams } from './cluster-streams';
import type { ClusterParts } from './cluster';
import type { Log } from './lifecycle';

type Roll = { preRollS: number; postRollS: number };

/** What events and alarms call to record a camera (RecordingService.trigger's shape). */
export interface RecordTrigger {
  trigger(cameraId: string, eventId: string, atMs: number, alarm?: Roll): boolean;
}

const roll = (v: unknown): Roll | undefined => {
  const r = v as Partial<Roll> | undefined;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 3600;
  return r && ok(r.preRollS) && ok(r.postRollS) ? { preRollS: r.preRollS, postRollS: r.postRollS } : undefined;
};

/**
 * Triggers that reach the recording node. An event of a camera whose plan records is told to every node: the one
 * whose recorder stands by on the camera's pull marks it (the others have no recorder: nothing happens). An alarm is
 * recorded whatever the plan: it goes to the lease holder of the recorded profile (placed now when nobody pulls it).
 * Forwarded triggers answer true: the recording node reports its recorder's state itself.
 */
/** Alarm rules changed on one node are re-read by every node (each matches the events it takes in). */
export function followClusterRules(
  parts: ClusterParts,
  rules: { onChanged(fn: () => void): () => void; refresh(): Promise<void> },
  log: Log,
): void {
  const fail = (err: unknown): void => log('warn', `cluster: alarm rules: ${String(err)}`);
  rules.onChanged(() => void parts.changes.publish('rule', 'all').catch(fail));
  parts.changes.onChange((c) => {
    if (c.kind === 'rule') rules.refresh().catch(fail);
  });
  parts.changes.onResync(() => void rules.refresh().catch(fail));
}

export function clusterRecordTrigger(
  parts: ClusterParts,
  streams: ClusterStreams,
  recordings: RecordingService,
  log: Log,
): RecordTrigger {
  const self = parts.node.name;
  const fail = (what: string) => (err: unknown) =>
    log('warn', `cluster: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  recordings.onPlansChanged(() => void parts.changes.publish('plan', 'all').catch(fail('telling a plan change')));
  parts.changes.onResync(() => recordings.invalidate());
  parts.changes.onChange((c) => {
    if (c.kind === 'plan') return recordings.invalidate();
    if (c.kind !== 'trigger' || (c.data?.to !== self && c.data?.to !== '*')) return;
    const { eventId, atMs } = c.data;
    if (typeof eventId !== 'string' || typeof atMs !== 'number' || !Number.isFinite(atMs))
      return log('warn', `cluster: a trigger of camera ${c.id} from ${c.origin} without event or time`);
    recordings.trigger(c.id, eventId, atMs, roll(c.data.alarm));
  });
  return {
    trigger(cameraId, eventId, atMs, alarm) {
      const rec = recordings.recordedProfile(cameraId, alarm !== undefined);
      if (!rec) return false;
      const { profile } = rec;
      if (!alarm) {
        if (recordings.trigger(cameraId, eventId, atMs)) return true;
        parts.changes
          .publish('trigger', cameraId, { to: '*', eventId, atMs })
          .catch(fail(`telling event ${eventId} of camera ${cameraId}`));
        return true;
      }
      // held here already (the camera is pulled here): recorded here, with the recorder's answer
      if (streams.leases.node.holds({ cameraId, profile })) return recordings.trigger(cameraId, eventId, atMs, alarm);
      void streams
        .place(cameraId, profile, rec.url)
        .then((w) =>
          w.here
            ? void recordings.trigger(cameraId, eventId, atMs, alarm)
            : parts.changes.publish('trigger', cameraId, { to: w.node, eventId, atMs, alarm }),
        )
        .catch(fail(`recording alarm ${eventId} on camera ${cameraId}`));
      return true;
    },
  };
}
