// The demo records from its first minute: footage under ./data/recordings within a small quota, and continuous plans
// on a few cameras of each department (its sub stream), so each department's users see a timeline.
import path from 'node:path';
import type { Config } from '../../config/load';
import type { RecordingService } from '../recordings/recording-service';

/** Most bytes of demo footage kept: retention deletes the oldest beyond it (1 GiB: hours of the sub streams). */
export const DEMO_QUOTA_BYTES = 1024 ** 3;
/** Cameras recorded by default (`--record N`): each is one more pull and one more encoder of the simulator. */
export const DEMO_RECORDED = 12;

/**
 * The demo's recording settings over `config`'s: recording on and, unless a --config file gives volumes, one volume
 * `recordings` beside the embedded database's directory (./data/pg → ./data/recordings) with a small quota.
 */
export function withDemoRecording(config: Config, hasFile: boolean): Config {
  const data = path.dirname(config.database.embedded.dataDir);
  const volumes = hasFile
    ? config.recording.volumes
    : [{ path: path.join(data, 'recordings'), quotaBytes: DEMO_QUOTA_BYTES }];
  return { ...config, recording: { ...config.recording, enabled: true, volumes } };
}

/**
 * Gives `count` cameras (the first by id, spread over the departments) a continuous plan of their sub stream, kept a
 * day. Only when no plan exists yet: the plans an operator changed are kept across demo runs. Returns the cameras.
 */
export async function seedDemoRecording(
  recordings: RecordingService,
  cameras: Array<{ id: string; departmentId: number }>,
  count = DEMO_RECORDED,
): Promise<string[]> {
  if (count <= 0 || (await recordings.listPlans()).length > 0) return [];
  const byDept = new Map<number, string[]>();
  for (const c of [...cameras].sort((a, b) => Number(a.id) - Number(b.id)))
    byDept.set(c.departmentId, [...(byDept.get(c.departmentId) ?? []), c.id]);
  // round-robin over the departments, so each has some of the recorded cameras
  const chosen: string[] = [];
  for (let i = 0; chosen.length < count && [...byDept.values()].some((ids) => ids.length > i); i++)
    for (const ids of byDept.values()) if (ids[i] !== undefined && chosen.length < count) chosen.push(ids[i]!);
  const actor = { kind: 'system' as const, id: 'demo', name: 'cloudeye demo', departmentId: null };
  for (const cameraId of chosen)
    await recordings.setPlan(
      { scope: 'camera', cameraId, mode: 'continuous', profile: 'sub', retentionDays: 1, eventRetentionDays: 1 },
      actor,
    );
  return chosen;
}
