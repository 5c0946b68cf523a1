// Wall tours of a department: kept by those who drive its wall (cameras and views they may see), started on a screen
// and stopped; the server runs them (TourRunner) and resumes them after a restart. Every change audited.
import {
  canEditTour,
  canReadTour,
  canReadView,
  type CameraAction,
  type PolicyCamera,
  type Principal,
} from '../auth/policy';
import type { AuditWrite } from '../db/audit-repo';
import type { TourRepo } from '../db/tour-repo';
import type { WallRepo } from '../db/wall-repo';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Tour, TourCreate, TourRecord, TourStep, TourUpdate } from './tour-model';
import type { TourRunner } from './tour-runner';
import type { WallService } from './wall-service';
import type { Screen } from './wall-model';

export interface TourPolicy {
  departmentScope(p: Principal, action: 'wall-read'): 'all' | number | null;
  actingDepartment(p: Principal, requested: number | undefined | null): number;
  can(p: Principal, action: CameraAction, cam: PolicyCamera): boolean;
}

export interface TourDeps {
  repo: TourRepo;
  walls: WallRepo;
  wall: WallService;
  runner: TourRunner;
  policy: TourPolicy;
  audit: { append(e: AuditWrite): Promise<void> };
  camera(id: string): PolicyCamera | undefined;
  log(level: 'warn', msg: string): void;
}

export class TourService {
  private readonly stopped = new Set<(screenId: number) => void>();

  constructor(private readonly d: TourDeps) {}

  /** Told of every screen whose tour an operator stopped (or whose tour was removed). */
  onStopped(f: (screenId: number) => void): void {
    this.stopped.add(f);
  }

  /** The tour as p may see it: cameras p may not see are null. */
  private present(t: TourRecord, p: Principal): Tour {
    const steps = t.steps.map((s) => {
      if (!('cameraId' in s)) return s;
      const cam = this.d.camera(s.cameraId);
      return { cameraId: cam && this.d.policy.can(p, 'view', cam) ? s.cameraId : null, dwellS: s.dwellS };
    });
    return { ...t, steps };
  }

  private async readable(p: Principal, id: number): Promise<TourRecord> {
    const t = await this.d.repo.tour(id);
    if (!t || !canReadTour(p, t)) throw new NotFoundError(`wall: no tour ${id}`);
    return t;
  }

  private async editable(p: Principal, id: number): Promise<TourRecord> {
    const t = await this.readable(p, id);
    if (!canEditTour(p, t)) throw new NotFoundError(`wall: no tour ${id} you may change`);
    return t;
  }

  /** Every camera named must be one p may see and every view one p may open (404 otherwise, nothing revealed). */
  private async check(p: Principal, steps: TourStep[]): Promise<void> {
    for (const [i, s] of steps.entries()) {
      if ('cameraId' in s) {
        const cam = this.d.camera(s.cameraId);
        if (!cam || !this.d.policy.can(p, 'view', cam)) throw new NotFoundError(`camera ${s.cameraId} not found`);
      } else {
        const v = await this.d.walls.view(s.viewId);
        if (!v || !canReadView(p, v)) throw new NotFoundError(`wall: no view ${s.viewId} (step ${i + 1})`);
      }
    }
  }

  async list(p: Principal): Promise<Tour[]> {
    const s = this.d.policy.departmentScope(p, 'wall-read');
    const all = await this.d.repo.tours(s === 'all' ? null : s === null ? [] : [s]);
    return all.filter((t) => canReadTour(p, t)).map((t) => this.present(t, p));
  }

  async get(p: Principal, id: number): Promise<Tour> {
    return this.present(await this.readable(p, id), p);
  }

  async create(p: Principal, input: TourCreate): Promise<Tour> {
    if (p.kind !== 'user') throw new ValidationError('wall: tours are kept by users', []);
    const departmentId = this.d.policy.actingDepartment(p, input.departmentId);
    await this.check(p, input.steps);
    const id = await this.d.repo.create({ departmentId, ownerId: p.id, name: input.name, steps: input.steps });
    if (id === null) throw new ConflictError(`wall: the department already has a tour named "${input.name}"`);
    const t = (await this.d.repo.tour(id))!;
    await this.write(p, 'wall.tour.create', t.departmentId, 'wall_tour', id, { name: t.name, steps: t.steps.length });
    return this.present(t, p);
  }

  async update(p: Principal, id: number, input: TourUpdate): Promise<Tour> {
    const old = await this.editable(p, id);
    if (input.steps) await this.check(p, input.steps);
    const r = await this.d.repo.update(id, input);
    if (r === 'duplicate') throw new ConflictError(`wall: the department already has a tour named "${input.name}"`);
    if (!r) throw new NotFoundError(`wall: no tour ${id}`);
    const t = (await this.d.repo.tour(id))!;
    this.d.runner.changed(t, id);
    await this.write(p, 'wall.tour.update', old.departmentId, 'wall_tour', id, { fields: Object.keys(input) });
    return this.present(t, p);
  }

  async remove(p: Principal, id: number): Promise<void> {
    const t = await this.editable(p, id);
    for (const run of await this.d.repo.runs()) if (run.tourId === id) await this.stopRun(run.screenId);
    await this.d.repo.remove(id);
    this.d.runner.changed(null, id);
    await this.write(p, 'wall.tour.remove', t.departmentId, 'wall_tour', id, { name: t.name });
  }

  /** Starts a tour of the screen's department on the screen, at its first step (a tour running there is replaced). */
  async start(p: Principal, screenId: number, tourId: number): Promise<Screen> {
    const s = await this.d.wall.mine(p, screenId, 'wall-drive');
    const t = await this.editable(p, tourId);
    if (t.departmentId !== s.departmentId)
      throw new ValidationError(`wall: tour ${tourId} belongs to another department than screen ${screenId}`, [
        { path: 'body.tourId', message: "not a tour of the screen's department" },
      ]);
    await this.d.repo.setRun(screenId, tourId, 0, p.name);
    this.d.runner.start(screenId, t, 0);
    // the screen names its tour at once; its first step follows once its streams run (a bounded head start)
    const tour = { id: t.id, name: t.name, step: 0, steps: t.steps.length, paused: false };
    await this.d.wall.setOverlay(screenId, { ...this.d.wall.overlay(screenId), tour, skipped: new Map(), next: null });
    await this.write(p, 'wall.tour.start', s.departmentId, 'wall_screen', screenId, { tourId, name: t.name });
    return this.d.wall.get(p, screenId);
  }

  /** Stops the screen's tour (its last step stays on the screen); 404 when none runs. */
  async stop(p: Principal, screenId: number): Promise<Screen> {
    const s = await this.d.wall.mine(p, screenId, 'wall-drive');
    const run = (await this.d.repo.runs()).find((r) => r.screenId === screenId);
    if (!run) throw new NotFoundError(`wall: no tour runs on screen ${screenId}`);
    await this.stopRun(screenId);
    await this.write(p, 'wall.tour.stop', s.departmentId, 'wall_screen', screenId, { tourId: run.tourId });
    return this.d.wall.get(p, screenId);
  }

  private async stopRun(screenId: number): Promise<void> {
    await this.d.repo.setRun(screenId, null, 0, null);
    this.d.runner.stop(screenId);
    for (const f of this.stopped) f(screenId);
    await this.d.wall.setOverlay(screenId, {
      ...this.d.wall.overlay(screenId),
      tour: null,
      skipped: new Map(),
      next: null,
    });
  }

  /**
   * Starts again the tours that ran when the gateway stopped, each at the step it showed; those of `paused` screens
   * (an alarm shown there) held until the alarm is closed.
   */
  async resume(paused: ReadonlySet<number> = new Set()): Promise<void> {
    for (const run of await this.d.repo.runs()) {
      const t = await this.d.repo.tour(run.tourId);
      if (t) this.d.runner.start(run.screenId, t, run.step, paused.has(run.screenId));
      else this.d.log('warn', `wall: screen ${run.screenId} ran tour ${run.tourId}, which is gone`);
    }
  }

  private write(p: Principal, action: string, departmentId: number, type: string, id: number, detail: object) {
    return this.d.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId,
      action,
      targetType: type,
      targetId: id,
      detail: detail as Record<string, unknown>,
    });
  }
}
