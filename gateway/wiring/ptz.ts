// Wiring of PTZ: ONVIF sessions, control by priority, commands, patrols (resumed at start) and the users' priorities.
import type { Config } from '../../config/load';
import type { CameraService } from '../cameras/camera-service';
import type { Database } from '../db/database';
import { PtzRepo } from '../db/ptz-repo';
import { PatrolRunner } from '../ptz/patrol-runner';
import { PatrolService } from '../ptz/patrol-service';
import { PtzControl } from '../ptz/ptz-control';
import { PtzDevices, type PtzDevice } from '../ptz/ptz-devices';
import { setUserPtzPriority } from '../ptz/ptz-priorities';
import { PtzService } from '../ptz/ptz-service';
import type { Principal } from '../auth/policy-terms';
import { NotFoundError } from '../errors';
import type { AuthParts } from './auth';
import type { Closers, Log } from './lifecycle';
import type { Repositories } from './storage';
import type { GbParts } from './gb28181';
import { GbPtzDevice } from '../gb-platform/gb-ptz';

export interface PtzParts {
  ptz: PtzService;
  patrols: PatrolService;
  control: PtzControl;
  setPriority: (p: Principal, userId: number, priority: number | null, ip: string) => Promise<void>;
}

export async function buildPtz(
  config: Config,
  db: Database,
  repos: Repositories,
  cameras: CameraService,
  a: AuthParts,
  closers: Closers,
  log: Log,
  gb: GbParts | null = null,
  cascade?: (peer: string, operator: string) => PtzDevice,
): Promise<PtzParts> {
  const repo = new PtzRepo(db.knex);
  const audit = (w: Parameters<Repositories['audit']['append']>[0]) => repos.audit.append(w);
  const record = (p: Principal, id: string) => cameras.record(p, id, 'ptz');
  // one PTZ device per GB/T 28181 device: its move timers stop what the console's lost release would not
  const gbDevices = new Map<string, GbPtzDevice>();
  closers.add(async () => gbDevices.forEach((d) => d.close()));
  const gbPtz = gb
    ? (deviceId: string): GbPtzDevice => {
        let d = gbDevices.get(deviceId);
        if (!d) gbDevices.set(deviceId, (d = new GbPtzDevice(gb.server, deviceId)));
        return d;
      }
    : undefined;
  const devices = new PtzDevices(
    cameras,
    { requestTimeoutMs: config.discovery.requestTimeoutMs, maxResponseBytes: config.discovery.maxResponseBytes },
    gbPtz,
    cascade,
  );
  const control = new PtzControl({ lapseMs: config.ptz.lapseS * 1000 });
  closers.add(() => control.close());
  const runner = new PatrolRunner(async (cameraId, preset) => {
    const rec = await repos.cameras.get(cameraId);
    if (!rec) throw new NotFoundError(`ptz: camera ${cameraId} is gone`);
    await devices.run(rec, 'patrol', (h) => h.dev.gotoPreset(h.profile, preset));
  }, log);
  closers.add(() => runner.close());
  let patrols: PatrolService | null = null;
  const ptz = new PtzService(
    { record, audit, userPriority: (id) => repo.userPriority(id), manual: async (id, by) => patrols?.manual(id, by) },
    devices,
    control,
    { priorities: config.ptz.priorities, moveTimeoutS: config.ptz.moveTimeoutS },
  );
  patrols = new PatrolService({ record, audit }, repo, ptz, runner);
  await patrols.resume();
  const setPriority = (p: Principal, userId: number, priority: number | null, ip: string) =>
    setUserPtzPriority(
      {
        userDepartment: async (id) => (await repos.accounts.user(id))?.departmentId,
        setUserPriority: (id, v) => repo.setUserPriority(id, v),
        mayManage: (pp, dept) => a.access.inDepartment(pp, 'user-manage', dept),
        audit,
      },
      p,
      userId,
      priority,
      ip,
    );
  return { ptz, patrols, control, setPriority };
}
