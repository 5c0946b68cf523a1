// Wall screens of departments: register, change, remove (wall-manage); put cameras on panes, clear panes, set layouts
// (wall-drive); the state a screen shows (wall-show). Every change audited and pushed to the screen and its wall.
import { paneCount } from '../../gis/wall-layout';
import { screenPrincipal, type CameraAction, type PolicyCamera, type Principal } from '../auth/policy';
import type { AuditWrite } from '../db/audit-repo';
import type { WallRepo } from '../db/wall-repo';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { ScreenCredentials } from './screen-credentials';
import type { Screen, ScreenCreate, ScreenRecord, ScreenUpdate } from './wall-model';

type WallAction = 'wall-read' | 'wall-drive' | 'wall-manage';

/** What the wall asks of the access policy (auth/access.ts AccessControl answers). */
export interface WallPolicy {
  departmentScope(p: Principal, action: WallAction): 'all' | number | null;
  actingDepartment(p: Principal, requested: number | undefined | null): number;
  can(p: Principal, action: CameraAction, cam: PolicyCamera): boolean;
}

export interface WallDeps {
  repo: WallRepo;
  credentials: ScreenCredentials;
  policy: WallPolicy;
  audit: { append(e: AuditWrite): Promise<void> };
  /** A camera as the policy sees it, with its name; undefined when unknown. */
  camera(id: string): (PolicyCamera & { name: string }) | undefined;
  /** A screen changed (its state as its own principal sees it) or was removed (null): pushed to it and its wall. */
  notify(departmentId: number, screenId: number, state: Screen | null): void;
}

const FOREIGN_KEY = '23503';

/** What a screen shows besides its panes, set by the server (a running tour, skipped cameras' markers, an alarm). */
export interface ScreenOverlay {
  tour: NonNullable<Screen['tour']> | null;
  /** Markers of offline cameras skipped, by pane. */
  skipped: Map<number, Array<{ cameraId: string; cameraName: string }>>;
  alarm: string | null;
  /** A tour's next step once its streams are started (a screen page may start playing it hidden); absent: none. */
  next?: { layout: string; cameras: Array<string | null> } | null;
}

export class WallService {
  private readonly overlays = new Map<number, ScreenOverlay>();
  /** Each screen's last drive (the next one waits for it). */
  private readonly driving = new Map<number, Promise<void>>();

  constructor(private readonly d: WallDeps) {}

  private scope(p: Principal, action: WallAction): number[] | null {
    const s = this.d.policy.departmentScope(p, action);
    return s === 'all' ? null : s === null ? [] : [s];
  }

  /** The screen when p may take `action` on its wall; NotFound otherwise (other walls are not revealed). */
  async mine(p: Principal, id: number, action: WallAction): Promise<ScreenRecord> {
    const s = await this.d.repo.screen(id);
    const scope = this.scope(p, action);
    if (!s || (scope && !scope.includes(s.departmentId))) throw new NotFoundError(`wall: no screen ${id}`);
    return s;
  }

  /** A screen as `viewer` may see it: panes beyond the layout dropped, cameras it may not view shown empty. */
  present(s: ScreenRecord, viewer: Principal): Screen {
    const n = paneCount(s.layout) ?? 0;
    const panes = Array.from({ length: n }, (_, pane) => {
      const id = s.panes.get(pane);
      const cam = id === undefined ? undefined : this.d.camera(id);
      const shown = cam && this.d.policy.can(viewer, 'view', cam);
      const skipped = this.overlays.get(s.id)?.skipped.get(pane);
      return {
        pane,
        cameraId: shown ? cam.id : null,
        cameraName: shown ? cam.name : null,
        ...(skipped ? { skipped } : {}),
      };
    });
    const { panes: _, ...rest } = s;
    const o = this.overlays.get(s.id);
    const next = o?.next ? { layout: o.next.layout, panes: this.visiblePanes(o.next.cameras, viewer) } : null;
    return { ...rest, panes, tour: o?.tour ?? null, alarm: o?.alarm ?? null, ...(next ? { next } : {}) };
  }

  /** Cameras by pane as `viewer` may see them (others: an empty pane). */
  private visiblePanes(cameras: Array<string | null>, viewer: Principal): Screen['panes'] {
    return cameras.map((id, pane) => {
      const cam = id ? this.d.camera(id) : undefined;
      const shown = cam && this.d.policy.can(viewer, 'view', cam);
      return { pane, cameraId: shown ? cam.id : null, cameraName: shown ? cam.name : null };
    });
  }

  async list(p: Principal): Promise<Screen[]> {
    return (await this.d.repo.screens(this.scope(p, 'wall-read'))).map((s) => this.present(s, p));
  }

  async get(p: Principal, id: number): Promise<Screen> {
    return this.present(await this.mine(p, id, 'wall-read'), p);
  }

  /** What a screen shows: its own state, as its own principal may see it. */
  async own(screen: Principal): Promise<Screen> {
    if (screen.kind !== 'screen') throw new ForbiddenError('wall: only a screen reads its own state');
    const s = await this.d.repo.screen(screen.id);
    if (!s) throw new NotFoundError(`wall: no screen ${screen.id}`);
    return this.present(s, screen);
  }

  /** Registers a screen and issues its first pairing secret (shown once). */
  async create(
    p: Principal,
    input: ScreenCreate,
  ): Promise<{ screen: Screen; pairing: { secret: string; expiresAt: string } }> {
    const departmentId = this.d.policy.actingDepartment(p, input.departmentId);
    let id: number | null;
    try {
      id = await this.d.repo.createScreen({
        departmentId,
        name: input.name,
        col: input.col,
        row: input.row,
        layout: input.layout,
      });
    } catch (err) {
      if ((err as { code?: string }).code === FOREIGN_KEY)
        throw new ValidationError(`wall: no department ${departmentId}`, [
          { path: 'body.departmentId', message: `no department ${departmentId}` },
        ]);
      throw err;
    }
    if (id === null)
      throw new ConflictError(`wall: department ${departmentId} already has a screen named "${input.name}"`);
    const pairing = await this.d.credentials.issuePairing(id);
    const s = (await this.d.repo.screen(id))!;
    await this.write(p, 'wall.screen.create', s, { name: s.name, layout: s.layout, col: s.col, row: s.row });
    return {
      screen: this.present(s, p),
      pairing: { secret: pairing.secret, expiresAt: pairing.expiresAt.toISOString() },
    };
  }

  /** A new pairing secret for a screen (the token in use keeps working until the secret is used). */
  async repair(p: Principal, id: number): Promise<{ screenId: number; secret: string; expiresAt: string }> {
    const s = await this.mine(p, id, 'wall-manage');
    const { secret, expiresAt } = await this.d.credentials.issuePairing(id);
    await this.write(p, 'wall.screen.pairing', s, {});
    return { screenId: id, secret, expiresAt: expiresAt.toISOString() };
  }

  async update(p: Principal, id: number, input: ScreenUpdate): Promise<Screen> {
    await this.mine(p, id, 'wall-manage');
    const r = await this.d.repo.updateScreen(id, input, input.layout ? (paneCount(input.layout) ?? 0) : undefined);
    if (r === 'duplicate') throw new ConflictError(`wall: the department already has a screen named "${input.name}"`);
    if (!r) throw new NotFoundError(`wall: no screen ${id}`);
    return this.changed(p, id, 'wall.screen.update', { fields: Object.keys(input) });
  }

  async remove(p: Principal, id: number): Promise<void> {
    const s = await this.mine(p, id, 'wall-manage');
    if (!(await this.d.repo.removeScreen(id))) throw new NotFoundError(`wall: no screen ${id}`);
    await this.write(p, 'wall.screen.remove', s, { name: s.name });
    this.d.notify(s.departmentId, id, null);
  }

  /** Puts a camera on a pane: p must see it (else 404, as any hidden camera) and so must the screen (else 403). */
  async setPane(p: Principal, id: number, pane: number, cameraId: string): Promise<Screen> {
    const s = await this.mine(p, id, 'wall-drive');
    this.checkPane(s, pane);
    const cam = this.d.camera(cameraId);
    if (!cam || !this.d.policy.can(p, 'view', cam)) throw new NotFoundError(`camera ${cameraId} not found`);
    if (!this.d.policy.can(screenPrincipal(s), 'view', cam))
      throw new ForbiddenError(`wall: screen ${id} (department ${s.departmentId}) may not show camera ${cameraId}`);
    await this.d.repo.setPanes(id, [[pane, cameraId]]);
    return this.changed(p, id, 'wall.pane.set', { pane, cameraId });
  }

  async clearPane(p: Principal, id: number, pane: number): Promise<Screen> {
    const s = await this.mine(p, id, 'wall-drive');
    this.checkPane(s, pane);
    await this.d.repo.setPanes(id, [[pane, null]]);
    return this.changed(p, id, 'wall.pane.clear', { pane });
  }

  /** Changes a screen's layout; panes beyond the new one are emptied. */
  async setLayout(p: Principal, id: number, layout: string): Promise<Screen> {
    const s = await this.mine(p, id, 'wall-drive');
    const n = paneCount(layout) ?? 0;
    const dropped: Array<[number, null]> = [...s.panes.keys()].filter((k) => k >= n).map((k) => [k, null]);
    await this.d.repo.setPanes(id, dropped, layout);
    return this.changed(p, id, 'wall.layout.set', { from: s.layout, layout });
  }

  /**
   * Shows a layout and its cameras on a screen (a saved view): cameras p or the screen may not see are left out
   * (their panes empty), never revealed. Returns the screen and the panes left empty for that reason.
   */
  async show(
    p: Principal,
    id: number,
    layout: string,
    cameras: Array<string | null>,
    detail: Record<string, unknown>,
  ): Promise<Screen> {
    const s = await this.mine(p, id, 'wall-drive');
    await this.d.repo.setPanes(id, this.panesFor(s, layout, cameras, p), layout);
    return this.changed(p, id, 'wall.view.apply', { layout, ...detail });
  }

  /**
   * Shows a layout and its cameras on a screen for the server (a tour's step, an alarm), with what it shows besides
   * (overlay): cameras the screen may not see are left out. Not audited (starting the tour or the alarm was). A
   * screen's drives run one after the other (panes and overlay of one never mixed with another's); `valid` is asked
   * when its turn comes (a tour step whose tour was stopped or paused meanwhile is not shown).
   */
  drive(
    id: number,
    layout: string,
    cameras: Array<string | null>,
    overlay: ScreenOverlay,
    valid: () => boolean = () => true,
  ): Promise<void> {
    const run = async (): Promise<void> => {
      if (!valid()) return;
      const s = await this.d.repo.screen(id);
      if (!s) return;
      await this.d.repo.setPanes(id, this.panesFor(s, layout, cameras, null), layout);
      // set with the panes it goes with: a read in between sees the old panes with the old overlay
      this.overlays.set(id, overlay);
      const now = await this.d.repo.screen(id);
      if (now) this.d.notify(now.departmentId, id, this.present(now, screenPrincipal(now)));
    };
    const done = (this.driving.get(id) ?? Promise.resolve()).then(run);
    const tail = done.catch(() => undefined);
    this.driving.set(id, tail);
    void tail.then(() => this.driving.get(id) === tail && this.driving.delete(id));
    return done;
  }

  /** What the server set besides a screen's panes (a copy), or a blank one. */
  overlay(id: number): ScreenOverlay {
    const o = this.overlays.get(id);
    return {
      tour: o?.tour ?? null,
      skipped: new Map(o?.skipped ?? []),
      alarm: o?.alarm ?? null,
      next: o?.next ?? null,
    };
  }

  /** Changes what a screen shows besides its panes and pushes its state. */
  async setOverlay(id: number, overlay: ScreenOverlay): Promise<void> {
    this.overlays.set(id, overlay);
    const s = await this.d.repo.screen(id);
    if (s) this.d.notify(s.departmentId, id, this.present(s, screenPrincipal(s)));
  }

  /** The panes for `layout` and `cameras`: only cameras the screen (and p, when given) may see; extra panes emptied. */
  private panesFor(
    s: ScreenRecord,
    layout: string,
    cameras: Array<string | null>,
    p: Principal | null,
  ): Array<[number, string | null]> {
    const n = paneCount(layout) ?? 0;
    const sp = screenPrincipal(s);
    const changes: Array<[number, string | null]> = [];
    for (let pane = 0; pane < Math.max(n, ...[...s.panes.keys()].map((k) => k + 1)); pane++) {
      const cam = pane < n && cameras[pane] ? this.d.camera(cameras[pane]!) : undefined;
      const ok = cam && (!p || this.d.policy.can(p, 'view', cam)) && this.d.policy.can(sp, 'view', cam);
      changes.push([pane, ok ? cam.id : null]);
    }
    return changes;
  }

  /**
   * A camera was removed: its panes are gone with it (the database cascades), so every screen (a screen may show cameras
   * shared from other departments) is pushed its state again, and stops playing it. Screens are few; an unchanged pane
   * keeps playing.
   */
  async cameraRemoved(): Promise<void> {
    for (const s of await this.d.repo.screens(null))
      this.d.notify(s.departmentId, s.id, this.present(s, screenPrincipal(s)));
  }

  private checkPane(s: ScreenRecord, pane: number): void {
    const n = paneCount(s.layout) ?? 0;
    if (pane < 0 || pane >= n)
      throw new ValidationError(`wall: screen ${s.id} has panes 0..${n - 1} (layout ${s.layout}), not ${pane}`, [
        { path: 'params.pane', message: `out of range 0..${n - 1}` },
      ]);
  }

  /** Audits a change, pushes the new state to the screen and its wall, and answers it as p sees it. */
  private async changed(p: Principal, id: number, action: string, detail: Record<string, unknown>): Promise<Screen> {
    const s = await this.d.repo.screen(id);
    if (!s) throw new NotFoundError(`wall: no screen ${id}`);
    await this.write(p, action, s, detail);
    this.d.notify(s.departmentId, id, this.present(s, screenPrincipal(s)));
    return this.present(s, p);
  }

  private write(p: Principal, action: string, s: ScreenRecord, detail: Record<string, unknown>): Promise<void> {
    return this.d.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: s.departmentId,
      action,
      targetType: 'wall_screen',
      targetId: s.id,
      detail,
    });
  }
}
