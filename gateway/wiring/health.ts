// Wiring of camera health: periodic ONVIF/RTSP checks over the registry, states stored, indexed and pushed.
import type { Config } from '../../config/load';
import { HealthService } from '../health/health-service';
import type { CameraService } from '../cameras/camera-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { Realtime } from '../realtime/realtime';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

/** Which cameras this node checks when several nodes share the work (gateway/wiring/cluster.ts). */
export interface HealthPartition {
  /** True when this node checks camera `id`. */
  owns(id: string): boolean;
  /** Called when ownership may have moved (a node joined or left). Returns the unsubscribe. */
  onChange(fn: () => void): () => void;
  /** Tells the other nodes that these cameras' states changed (they re-read them). */
  told(ids: string[]): void;
}

/**
 * Follows camera changes; checks run (and are closed) only when `config.health.enabled`. With a `partition`, only
 * the cameras this node owns are checked, and each state change is told to the other nodes.
 */
export async function buildHealth(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  directory: CameraDirectory,
  rt: Realtime,
  closers: Closers,
  log: Log,
  partition: HealthPartition | null = null,
): Promise<HealthService> {
  const owned = (id: string): boolean => !partition || partition.owns(id);
  const health = new HealthService(
    async () => (await repos.cameras.all()).filter((c) => owned(c.id)),
    (c) => cameras.credentials(c),
    {
      persist: (changes) => repos.cameras.setStatuses(changes),
      publish: (changes) => {
        for (const c of changes) directory.setStatus(c.id, c.state);
        rt.publishStatus(
          changes.map((c) => ({
            id: c.id,
            status: c.state,
            reason: c.reason,
            lastSeen: c.lastSeen?.toISOString() ?? null,
          })),
        );
        partition?.told(changes.map((c) => c.id));
      },
    },
    {
      intervalS: config.health.intervalS,
      jitter: config.health.jitter,
      concurrency: config.health.concurrency,
      timeoutMs: config.health.timeoutMs,
    },
    (msg) => log('warn', msg),
    (c) => cameras.reachRefusal(c),
  );
  cameras.onChange((c) =>
    health.apply(c.kind === 'upsert' && !owned(c.camera.id) ? { kind: 'remove', id: c.camera.id } : c),
  );
  if (config.health.enabled) {
    await health.start();
    closers.add(() => health.close());
    const off = partition?.onChange(
      () => void health.reload().catch((err: unknown) => log('error', `health: reload: ${String(err)}`)),
    );
    if (off) closers.add(async () => void off());
  }
  return health;
}
