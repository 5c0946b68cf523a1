// Wiring of camera health: periodic ONVIF/RTSP checks over the registry, states stored, indexed and pushed.
import type { Config } from '../../config/load';
import { HealthService } from '../health/health-service';
import type { CameraService } from '../cameras/camera-service';
import type { CameraDirectory } from '../spatial/camera-directory';
import type { Realtime } from '../realtime/realtime';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';

/** Follows camera changes; checks run (and are closed) only when `config.health.enabled`. */
export async function buildHealth(
  config: Config,
  repos: Repositories,
  cameras: CameraService,
  directory: CameraDirectory,
  rt: Realtime,
  closers: Closers,
  log: Log,
): Promise<HealthService> {
  const health = new HealthService(
    () => repos.cameras.all(),
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
  cameras.onChange((c) => health.apply(c));
  if (config.health.enabled) {
    await health.start();
    closers.add(() => health.close());
  }
  return health;
}
