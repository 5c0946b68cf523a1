// Saved views of the wall (a named layout with its cameras): per user, optionally shared in the department; opened on a
// screen. Cameras the reader may not see are shown as empty panes and never revealed. Every change audited.
import { paneCount } from '../../gis/wall-layout';
import { canEditView, canReadView, type CameraAction, type PolicyCamera, type Principal } from '../auth/policy';
import type { AuditWrite } from '../db/audit-repo';
import type { WallRepo } from '../db/wall-repo';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { View, ViewCreate, ViewRecord, ViewUpdate } from './wall-model';
import type { WallService } from './wall-service';

export interface ViewPolicy {
  departmentScope(p: Principal, action: 'wall-read'): 'all' | number | null;
  actingDepartment(p: Principal, requested: number | undefined | null): number;
  can(p: Principal, action: CameraAction, cam: PolicyCamera): boolean;
}

export interface ViewDeps {
  repo: WallRepo;
  policy: ViewPolicy;
  wall: WallService;
  audit: { append(e: AuditWrite): Promise<void> };
  camera(id: string): PolicyCamera | undefined;
}

export class ViewService {
  constructor(private readonly d: ViewDeps) {}

  /** The view as p may see it: cameras p may not see are null. */
  private present(v: ViewRecord, p: Principal): View {
    const cameras = v.cameras.map((id) => {
      const cam = id === null ? undefined : this.d.camera(id);
      return cam && this.d.policy.can(p, 'view', cam) ? id : null;
    });
    return { ...v, cameras };
  }

  private async readable(p: Principal, id: number): Promise<ViewRecord> {
    const v = await this.d.repo.view(id);
    if (!v || !canReadView(p, v)) throw new NotFoundError(`wall: no view ${id}`);
    return v;
  }

  /** Every camera named must be one p may see (404 like any hidden camera); as many as the layout's panes at most. */
  private check(p: Principal, layout: string, cameras: Array<string | null>): void {
    const n = paneCount(layout) ?? 0;
    if (cameras.length > n)
      throw new ValidationError(`wall: layout ${layout} has ${n} panes, the view names ${cameras.length}`, [
        { path: 'body.cameras', message: `at most ${n} entries` },
      ]);
    for (const id of cameras) {
      const cam = id === null ? undefined : this.d.camera(id);
      if (id !== null && (!cam || !this.d.policy.can(p, 'view', cam)))
        throw new NotFoundError(`camera ${id} not found`);
    }
  }

  async list(p: Principal): Promise<View[]> {
    const s = this.d.policy.departmentScope(p, 'wall-read');
    const all = await this.d.repo.views(s === 'all' ? null : s === null ? [] : [s]);
    return all.filter((v) => canReadView(p, v)).map((v) => this.present(v, p));
  }

  async get(p: Principal, id: number): Promise<View> {
    return this.present(await this.readable(p, id), p);
  }

  async create(p: Principal, input: ViewCreate): Promise<View> {
    if (p.kind !== 'user') throw new ValidationError('wall: saved views belong to users', []);
    const departmentId = this.d.policy.actingDepartment(p, input.departmentId);
    this.check(p, input.layout, input.cameras);
    const v = await this.d.repo.createView({ ...input, departmentId, ownerId: p.id });
    if (!v) throw new ConflictError(`wall: you already have a view named "${input.name}"`);
    await this.write(p, 'wall.view.create', v, { name: v.name, layout: v.layout, shared: v.shared });
    return this.present(v, p);
  }

  async update(p: Principal, id: number, input: ViewUpdate): Promise<View> {
    const old = await this.readable(p, id);
    if (!canEditView(p, old)) throw new NotFoundError(`wall: no view ${id} of yours`);
    const layout = input.layout ?? old.layout;
    // cameras hidden from p are kept as they are when p does not name the cameras anew
    this.check(p, layout, input.cameras ?? []);
    const v = await this.d.repo.updateView(id, input);
    if (v === 'duplicate') throw new ConflictError(`wall: the owner already has a view named "${input.name}"`);
    if (!v) throw new NotFoundError(`wall: no view ${id}`);
    await this.write(p, 'wall.view.update', v, { fields: Object.keys(input) });
    return this.present(v, p);
  }

  async remove(p: Principal, id: number): Promise<void> {
    const v = await this.readable(p, id);
    if (!canEditView(p, v)) throw new NotFoundError(`wall: no view ${id} of yours`);
    await this.d.repo.removeView(id);
    await this.write(p, 'wall.view.remove', v, { name: v.name });
  }

  /** Opens a saved view on a screen (cameras hidden from p or the screen: empty panes). */
  async apply(p: Principal, screenId: number, viewId: number) {
    const v = await this.readable(p, viewId);
    return this.d.wall.show(p, screenId, v.layout, v.cameras, { viewId: v.id, name: v.name });
  }

  private write(p: Principal, action: string, v: ViewRecord, detail: Record<string, unknown>): Promise<void> {
    return this.d.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: v.departmentId,
      action,
      targetType: 'wall_view',
      targetId: v.id,
      detail,
    });
  }
}
