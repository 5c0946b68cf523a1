// Patrols of a camera: named lists of presets with dwell times, stored per camera, started and stopped by operators.
import type { Principal } from '../auth/policy-terms';
import type { AuditWrite } from '../db/audit-repo';
import type { CameraRecord } from '../db/cameras-repo';
import type { Patrol, PatrolStep, PtzRepo } from '../db/ptz-repo';
import { NotFoundError, ValidationError } from '../errors';
import type { PatrolRunner } from './patrol-runner';
import { checkPresetName, type PtzService } from './ptz-service';

export interface PatrolInput {
  name: string;
  steps: PatrolStep[];
}

export interface PatrolServiceDeps {
  record(p: Principal, id: string): Promise<CameraRecord>;
  audit(w: AuditWrite): Promise<void>;
}

export class PatrolService {
  constructor(
    private readonly deps: PatrolServiceDeps,
    private readonly repo: PtzRepo,
    private readonly ptz: PtzService,
    private readonly runner: PatrolRunner,
  ) {}

  async list(p: Principal, cameraId: string): Promise<Patrol[]> {
    await this.deps.record(p, cameraId);
    return this.repo.patrols(cameraId);
  }

  async create(p: Principal, cameraId: string, w: PatrolInput, ip: string): Promise<Patrol> {
    const rec = await this.deps.record(p, cameraId);
    const name = await this.check(rec, w);
    const patrol = await this.repo.create(cameraId, name, w.steps);
    await this.audit(p, ip, 'camera.ptz-patrol', patrol, { change: 'create', steps: w.steps });
    return patrol;
  }

  async update(p: Principal, id: number, w: PatrolInput, ip: string): Promise<Patrol> {
    const { rec, patrol } = await this.find(p, id);
    const name = await this.check(rec, w);
    const out = (await this.repo.update(id, { name, steps: w.steps }))!;
    if (this.runner.running(rec.id)?.id === id) this.runner.start(out);
    await this.audit(p, ip, 'camera.ptz-patrol', patrol, { change: 'update', steps: w.steps });
    return out;
  }

  async remove(p: Principal, id: number, ip: string): Promise<void> {
    const { rec, patrol } = await this.find(p, id);
    if (this.runner.running(rec.id)?.id === id) this.runner.stop(rec.id);
    await this.repo.remove(id);
    await this.audit(p, ip, 'camera.ptz-patrol', patrol, { change: 'delete' });
  }

  /** Starts the patrol: p must be able to take the camera's control (its priority); the patrol then runs alone. */
  async start(p: Principal, id: number, ip: string): Promise<Patrol> {
    const { rec, patrol } = await this.find(p, id);
    await this.ptz.take(p, rec.id, ip);
    await this.ptz.release(p, rec.id);
    await this.repo.setRunning(id, p.name);
    const running = (await this.repo.patrol(id))!;
    this.runner.start(running);
    await this.audit(p, ip, 'camera.ptz-patrol', patrol, { change: 'start' });
    return running;
  }

  async stop(p: Principal, id: number, ip: string): Promise<Patrol> {
    const { rec, patrol } = await this.find(p, id);
    if (this.runner.running(rec.id)?.id === id) this.runner.stop(rec.id);
    await this.repo.setRunning(id, null);
    await this.audit(p, ip, 'camera.ptz-patrol', patrol, { change: 'stop' });
    return (await this.repo.patrol(id))!;
  }

  /** Manual control of the camera by `by` stops its running patrol (called by every PTZ command). */
  async manual(cameraId: string, by: string): Promise<void> {
    const stopped = this.runner.stop(cameraId);
    if (!stopped) return;
    await this.repo.setRunning(stopped.id, null);
    await this.deps.audit({
      actorType: 'system',
      action: 'camera.ptz-patrol',
      targetType: 'camera',
      targetId: cameraId,
      detail: { change: 'stop', patrol: stopped.id, name: stopped.name, reason: `manual control by ${by}` },
    });
  }

  /** Resumes the patrols marked running (after a gateway restart). */
  async resume(): Promise<void> {
    for (const patrol of await this.repo.running()) this.runner.start(patrol);
  }

  private async find(p: Principal, id: number): Promise<{ rec: CameraRecord; patrol: Patrol }> {
    const patrol = await this.repo.patrol(id);
    if (!patrol) throw new NotFoundError(`ptz: no patrol ${id}`);
    // a patrol of a camera p may not see is not revealed (the camera layer answers 404 for it)
    const rec = await this.deps.record(p, patrol.cameraId);
    return { rec, patrol };
  }

  /** The patrol's name, checked; each step names a preset of this camera. */
  private async check(rec: CameraRecord, w: PatrolInput): Promise<string> {
    const name = checkPresetName(w.name);
    const presets = await this.ptz.presetsOf(rec);
    const tokens = new Set(presets.map((x) => x.token));
    const issues = w.steps.flatMap((s, i) =>
      tokens.has(s.preset)
        ? []
        : [{ path: `body.steps[${i}].preset`, message: `camera ${rec.id} has no preset ${JSON.stringify(s.preset)}` }],
    );
    if (issues.length)
      throw new ValidationError(`ptz: patrol "${name}" names presets camera ${rec.id} does not have`, issues);
    return name;
  }

  private audit(
    p: Principal,
    ip: string,
    action: string,
    patrol: Patrol,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.deps.audit({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: p.departmentId,
      ip,
      action,
      targetType: 'camera',
      targetId: patrol.cameraId,
      detail: { patrol: patrol.id, name: patrol.name, ...detail },
    });
  }
}
