// PTZ commands of cameras: moves, click-to-centre, presets; each under PTZ control by priority and audited.
import type { Principal, Role } from '../auth/policy-terms';
import { ptzPriority } from '../auth/policy-ptz';
import type { AuditWrite } from '../db/audit-repo';
import type { CameraRecord } from '../db/cameras-repo';
import type { PtzPreset } from '../onvif/index';
import { NotFoundError, ValidationError } from '../errors';
import type { PtzControl, PtzControlChange } from './ptz-control';
import { ptzProfile, type PtzDevices } from './ptz-devices';
import { PtzControlError } from './errors';

/** Narrow needs: the camera record for p and action 'ptz' (404/403 decided by the camera layer), audit, priorities. */
export interface PtzServiceDeps {
  record(p: Principal, id: string): Promise<CameraRecord>;
  audit(w: AuditWrite): Promise<void>;
  userPriority(userId: number): Promise<number | null>;
  /** An operator took manual control: a patrol running on the camera stops. */
  manual(cameraId: string, by: string): Promise<void>;
}

export interface PtzServiceOptions {
  priorities: Partial<Record<Role, number>>;
  /** A continuous move stops by itself after this many seconds. */
  moveTimeoutS: number;
}

/** A velocity or offset in -1..1 per axis. */
export interface PtzAxes {
  pan?: number | undefined;
  tilt?: number | undefined;
  zoom?: number | undefined;
}

/** Preset names: 1–64 characters, no control or formatting characters and none of < > & " ' \ (cameras mangle them). */
const NAME_BAD = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>&"'\\]/u;

export function checkPresetName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 64 || NAME_BAD.test(n))
    throw new ValidationError(`ptz: preset name ${JSON.stringify(name.slice(0, 80))} is not allowed`, [
      { path: 'body.name', message: '1–64 characters, no control characters and none of < > & " \' \\' },
    ]);
  return n;
}

/** Default horizontal field of view when the camera record has none, in degrees. */
const DEFAULT_FOV = 60;

export class PtzService {
  constructor(
    private readonly deps: PtzServiceDeps,
    private readonly devices: PtzDevices,
    private readonly control: PtzControl,
    private readonly opts: PtzServiceOptions,
  ) {}

  /** p's PTZ priority (its own override, else its role's). */
  async priority(p: Principal): Promise<number> {
    return ptzPriority(p, this.opts.priorities, p.kind === 'user' ? await this.deps.userPriority(p.id) : null);
  }

  /** Who controls the camera now (null: nobody). */
  async holder(p: Principal, id: string): Promise<PtzControlChange['holder']> {
    await this.deps.record(p, id);
    return this.control.holder(id);
  }

  /** Takes or renews control without moving (the console's "take control"). */
  async take(p: Principal, id: string, ip: string): Promise<NonNullable<PtzControlChange['holder']>> {
    const rec = await this.deps.record(p, id);
    await this.command(p, rec, ip, { command: 'take-control' }, async () => undefined);
    return this.control.holder(id)!;
  }

  release(p: Principal, id: string): Promise<void> {
    return this.deps.record(p, id).then(() => this.control.release(id, p));
  }

  async move(p: Principal, id: string, v: PtzAxes, ip: string): Promise<void> {
    const rec = await this.deps.record(p, id);
    const vel = { x: v.pan ?? 0, y: v.tilt ?? 0, zoom: v.zoom ?? 0 };
    await this.command(p, rec, ip, { command: 'move', ...vel }, (h) =>
      h.dev.continuousMove(h.profile, vel, this.opts.moveTimeoutS),
    );
  }

  async stop(p: Principal, id: string, ip: string): Promise<void> {
    const rec = await this.deps.record(p, id);
    await this.command(p, rec, ip, { command: 'stop' }, (h) => h.dev.stop(h.profile));
  }

  /**
   * Click-to-centre: (x, y) is the click's offset from the picture's centre as a fraction of its width and
   * height (-0.5..0.5, y down). The ONVIF relative move turns the camera by that share of its field of view,
   * one unit of the generic translation space being 180°; `zoom` (-1..1) zooms in or out as well.
   */
  async centre(
    p: Principal,
    id: string,
    c: { x: number; y: number; zoom?: number | undefined },
    ip: string,
  ): Promise<void> {
    const rec = await this.deps.record(p, id);
    const hfov = rec.fov && rec.fov < 180 ? rec.fov : DEFAULT_FOV;
    const vfov = (hfov * 9) / 16;
    const t = { x: (c.x * hfov) / 180, y: (-c.y * vfov) / 180, zoom: c.zoom ?? 0 };
    if (!(await this.devices.run(rec, 'capabilities', async (h) => h.relative)))
      throw new ValidationError(`ptz: camera ${id} has no relative move (click-to-centre)`, [
        { path: 'params.id', message: 'its PTZ node lists no relative pan/tilt space' },
      ]);
    await this.command(p, rec, ip, { command: 'centre', x: c.x, y: c.y, translation: t }, (h) =>
      h.dev.relativeMove(h.profile, t),
    );
  }

  /** What the camera's PTZ offers the console: click-to-centre (ONVIF RelativeMove) or not. */
  async capabilities(p: Principal, id: string): Promise<{ relativeMove: boolean }> {
    const rec = await this.deps.record(p, id);
    return { relativeMove: await this.devices.run(rec, 'capabilities', async (h) => h.relative, p.name) };
  }

  async presets(p: Principal, id: string): Promise<PtzPreset[]> {
    const rec = await this.deps.record(p, id);
    return this.devices.run(rec, 'presets', (h) => h.dev.getPresets(h.profile), p.name);
  }

  async gotoPreset(p: Principal, id: string, token: string, ip: string): Promise<void> {
    const rec = await this.deps.record(p, id);
    await this.known(rec, token);
    await this.command(p, rec, ip, { command: 'goto-preset', preset: token }, (h) =>
      h.dev.gotoPreset(h.profile, token),
    );
  }

  /** Stores the current position as a new preset named `name`; returns it. */
  async setPreset(p: Principal, id: string, name: string, ip: string): Promise<PtzPreset> {
    const rec = await this.deps.record(p, id);
    const n = checkPresetName(name);
    ptzProfile(rec);
    let token = '';
    await this.command(p, rec, ip, { command: 'set-preset', name: n }, async (h) => {
      token = await h.dev.setPreset(h.profile, n);
    });
    return { token, name: n };
  }

  /**
   * Renames a preset. ONVIF has no rename: SetPreset with the token stores the current position under the new
   * name, so the camera goes to the preset first and the preset keeps its position.
   */
  async renamePreset(p: Principal, id: string, token: string, name: string, ip: string): Promise<PtzPreset> {
    const rec = await this.deps.record(p, id);
    const n = checkPresetName(name);
    await this.known(rec, token);
    await this.command(p, rec, ip, { command: 'rename-preset', preset: token, name: n }, async (h) => {
      await h.dev.gotoPreset(h.profile, token);
      await settle(() => h.dev.getStatus(h.profile).then((s) => s.moving));
      await h.dev.setPreset(h.profile, n, token);
    });
    return { token, name: n };
  }

  async removePreset(p: Principal, id: string, token: string, ip: string): Promise<void> {
    const rec = await this.deps.record(p, id);
    await this.known(rec, token);
    await this.command(p, rec, ip, { command: 'remove-preset', preset: token }, (h) =>
      h.dev.removePreset(h.profile, token),
    );
  }

  /** The presets stored in the camera (no principal check: the caller has read the record for p). */
  presetsOf(rec: CameraRecord): Promise<PtzPreset[]> {
    return this.devices.run(rec, 'presets', (h) => h.dev.getPresets(h.profile));
  }

  /** The camera's preset `token`, or NotFoundError (404) naming it. */
  async known(rec: CameraRecord, token: string): Promise<PtzPreset> {
    // GB/T 28181-2016 devices list no presets: a preset is its number, 1–255
    if (rec.source === 'gb28181' && /^(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-5])$/.test(token)) return { token, name: token };
    const list = await this.presetsOf(rec);
    const found = list.find((x) => x.token === token);
    if (!found) throw new NotFoundError(`ptz: camera ${rec.id} has no preset ${JSON.stringify(token.slice(0, 80))}`);
    return found;
  }

  /** Takes control for p (or refuses with who holds it), runs `fn` on the camera, audits either way. */
  private async command(
    p: Principal,
    rec: CameraRecord,
    ip: string,
    detail: Record<string, unknown>,
    fn: Parameters<PtzDevices['run']>[2],
  ): Promise<void> {
    ptzProfile(rec);
    const audit = (outcome: AuditWrite['outcome'], extra: Record<string, unknown> = {}) =>
      this.deps.audit({
        actorType: p.kind,
        actorId: p.id,
        actorName: p.name,
        departmentId: p.departmentId,
        ip,
        action: 'camera.ptz',
        targetType: 'camera',
        targetId: rec.id,
        outcome,
        detail: { ...detail, ...extra },
      });
    const priority = await this.priority(p);
    try {
      this.control.take(rec.id, p, priority);
    } catch (err) {
      if (err instanceof PtzControlError) await audit('denied', { holder: err.holder.name, until: err.until });
      throw err;
    }
    await this.deps.manual(rec.id, p.name);
    try {
      await this.devices.run(rec, String(detail.command), fn, p.name);
    } catch (err) {
      await audit('failed', { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    await audit('ok', { priority });
  }
}

/** Waits while `moving()` says so, up to 10 s (a preset far away). */
async function settle(moving: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50 && (await moving()); i++) await new Promise((r) => setTimeout(r, 200));
}
