// Camera registry: policy-checked CRUD, filtered pages, bulk import (all or nothing) and export.
import type { Knex } from 'knex';
import type { CameraCreate, CameraListQuery, CameraUpdate, Camera } from '../contract';
import type { CamerasRepo, CameraRecord, CameraWrite } from '../db/cameras-repo';
import { publicCamera } from '../db/cameras-repo';
import type { OrgRepo } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { CredentialBox } from '../auth/secrets';
import type { Principal } from '../auth/policy';
import { NotFoundError, ValidationError } from '../errors';
import { camerasFromCsv, camerasFromGeoJson } from './camera-input';
import { CameraChecks } from './camera-checks';
import type { CameraReach, ReachCamera } from './camera-reach';
import { camerasToCsv, camerasToGeoJson } from './camera-export';

/** A camera written or removed; `remote` when another cluster node made the change (this node only follows it). */
export type CameraChange =
  { kind: 'upsert'; camera: CameraRecord; remote?: true } | { kind: 'remove'; id: string; remote?: true };

/** Runs a function inside one database transaction (declared here, provided by the wiring). */
export type Transactor = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => Promise<T>;

const actor = (p: Principal, ip: string) => ({
  actorType: p.kind,
  actorId: p.id,
  actorName: p.name,
  departmentId: p.departmentId,
  ip,
});

export class CameraService {
  private readonly listeners = new Set<(c: CameraChange) => void>();
  private gridOf: (lng: number, lat: number) => number | null = () => null;
  private readonly checks: CameraChecks;

  constructor(
    private readonly repo: CamerasRepo,
    private readonly org: OrgRepo,
    private readonly audit: AuditRepo,
    private readonly access: AccessControl,
    private readonly box: CredentialBox,
    private readonly transaction: Transactor,
    private readonly reach: CameraReach,
  ) {
    this.checks = new CameraChecks(org, access, box, reach);
  }

  /** Sets how a position maps to its grid (网格); every write then records the camera's grid. */
  setGridLocator(fn: (lng: number, lat: number) => number | null): void {
    this.gridOf = fn;
  }

  /** The grid (网格) a position lies in, for writes made by the gateway itself. */
  gridAt(lng: number, lat: number): number | null {
    return this.gridOf(lng, lat);
  }

  /** Subscribes to camera changes (GIS index, realtime). Returns the unsubscribe. */
  onChange(fn: (c: CameraChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(c: CameraChange): void {
    for (const l of this.listeners) l(c);
  }

  async list(p: Principal, q: CameraListQuery): Promise<{ items: Camera[]; nextCursor: string | null }> {
    const { limit, cursor, ...filter } = q;
    const visible = this.access.predicate(p);
    const page = await this.repo.page(filter, limit, cursor, visible);
    return { items: page.items.map(publicCamera), nextCursor: page.nextCursor };
  }

  /** The stored record (with sealed credentials) after a policy check for `action`. */
  async record(p: Principal, id: string, action: Parameters<AccessControl['can']>[1] = 'view'): Promise<CameraRecord> {
    const cam = await this.repo.get(id);
    this.access.assertCamera(p, action, cam, id);
    return cam as CameraRecord;
  }

  async get(p: Principal, id: string): Promise<Camera> {
    return publicCamera(await this.record(p, id));
  }

  /** Credentials of a camera, for the gateway's own use (streams, ONVIF). Never returned by the API. */
  credentials(cam: CameraRecord): { username: string; password: string } | null {
    return this.box.openCredentials(cam.credentialsEnc);
  }

  /** Throws ValidationError (paths under `where`) when any address of `cam` may not be used. */
  async assertAddresses(cam: ReachCamera, where: string): Promise<void> {
    const issues = await this.checks.addressIssues(cam, where);
    if (issues.length) throw new ValidationError(`camera: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
  }

  /** The CIDRs a camera may reach (its network's, else its department's networks'). */
  reachCidrs(cam: ReachCamera): Promise<{ names: string; list: string[] }> {
    return this.reach.cidrsOf(cam);
  }

  /** The camera's addresses may be used now (play, snapshot, PTZ): throws AddressPolicyError. */
  async assertReach(cam: CameraRecord): Promise<void> {
    await this.reach.assert(cam, cam.id);
  }

  /**
   * Why the gateway may not contact the camera now, or null. For health checks: the networks may
   * have been read up to 1 s ago, so a cycle over many cameras reads them about once a second.
   */
  async reachRefusal(cam: CameraRecord): Promise<string | null> {
    const [p] = await this.reach.problems(cam, 1000);
    return p ? `${p.field} ${p.message}` : null;
  }

  async create(p: Principal, input: CameraCreate, ip: string): Promise<Camera> {
    this.access.assertDo(p, 'camera-register');
    const departmentId = this.access.actingDepartment(p, input.departmentId);
    if (!(await this.org.department(departmentId)))
      throw new ValidationError('camera: department not found', [
        { path: 'body.departmentId', message: `no department ${departmentId}` },
      ]);
    await this.checks.checkNetwork(input.networkId, departmentId);
    const write = this.checks.toWrite(input);
    const issues = await this.checks.addressIssues({ ...write, departmentId }, 'body');
    if (issues.length) throw new ValidationError(`camera: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
    const cam = await this.repo.create({ ...write, departmentId, gridId: this.gridOf(input.lng, input.lat) });
    await this.audit.append({
      ...actor(p, ip),
      action: 'camera.create',
      targetType: 'camera',
      targetId: cam.id,
      detail: { name: cam.name },
    });
    this.emit({ kind: 'upsert', camera: cam });
    return publicCamera(cam);
  }

  async update(p: Principal, id: string, input: CameraUpdate, ip: string): Promise<Camera> {
    const before = await this.record(p, id, 'edit');
    const fixed = (['source', 'mainUri', 'subUri', 'xaddr', 'snapshotUri'] as const).filter(
      (k) => input[k] !== undefined,
    );
    if (before.source === 'gb28181' && fixed.length)
      throw new ValidationError(`camera: a GB/T 28181 channel's source and addresses come from its device`, [
        { path: `body.${fixed[0]}`, message: 'set by the GB/T 28181 device' },
      ]);
    if (before.source === 'cascade' && fixed.length)
      throw new ValidationError(`camera: a cascaded camera's source and addresses are its lower platform's`, [
        { path: `body.${fixed[0]}`, message: `set by lower platform ${before.cascadePeer ?? ''}` },
      ]);
    await this.checks.checkNetwork(input.networkId, before.departmentId);
    const moved =
      input.lng !== undefined || input.lat !== undefined
        ? { gridId: this.gridOf(input.lng ?? before.lng, input.lat ?? before.lat) }
        : {};
    const write = this.checks.toWrite(input);
    const { departmentId, networkId, mainUri, subUri, snapshotUri, xaddr } = before;
    const merged: ReachCamera = { departmentId, networkId, mainUri, subUri, snapshotUri, xaddr };
    for (const k of ['networkId', 'mainUri', 'subUri', 'snapshotUri', 'xaddr'] as const)
      if (write[k] !== undefined) Object.assign(merged, { [k]: write[k] });
    const issues = await this.checks.addressIssues(merged, 'body');
    if (issues.length) throw new ValidationError(`camera: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
    const cam = await this.repo.update(id, { ...write, ...moved });
    if (!cam) throw new NotFoundError(`camera ${id} not found`);
    const changed = Object.keys(input).map((k) => (k === 'password' || k === 'username' ? 'credentials' : k));
    await this.audit.append({
      ...actor(p, ip),
      action: 'camera.update',
      targetType: 'camera',
      targetId: id,
      detail: { fields: [...new Set(changed)] },
    });
    this.emit({ kind: 'upsert', camera: cam });
    return publicCamera(cam);
  }

  /** Internal updates (registration re-sync, health) that bypass the policy; the caller audits. */
  async systemUpdate(id: string, w: CameraWrite): Promise<CameraRecord | null> {
    const cam = await this.repo.update(id, w);
    if (cam) this.emit({ kind: 'upsert', camera: cam });
    return cam;
  }

  async delete(p: Principal, id: string, ip: string): Promise<void> {
    const cam = await this.record(p, id, 'delete');
    await this.repo.delete(id);
    await this.audit.append({
      ...actor(p, ip),
      action: 'camera.delete',
      targetType: 'camera',
      targetId: id,
      detail: { name: cam.name },
    });
    this.emit({ kind: 'remove', id });
  }

  /** Imports every row in one transaction, or nothing. Returns the new ids. */
  async import(
    p: Principal,
    format: 'csv' | 'geojson',
    text: string,
    ip: string,
  ): Promise<{ imported: number; ids: string[] }> {
    this.access.assertDo(p, 'camera-register');
    const rows = format === 'csv' ? camerasFromCsv(text) : camerasFromGeoJson(text);
    const writes = await this.checks.resolveImportRows(p, rows, (lng, lat) => this.gridOf(lng, lat));
    const ids = await this.transaction(async (trx) => {
      const ids = await this.repo.insertMany(writes, trx);
      await this.audit.append(
        { ...actor(p, ip), action: 'camera.import', targetType: 'camera', detail: { format, count: ids.length } },
        trx,
      );
      return ids;
    });
    for (const id of ids) {
      const cam = await this.repo.get(id);
      if (cam) this.emit({ kind: 'upsert', camera: cam });
    }
    return { imported: ids.length, ids };
  }

  /** Every camera visible to p matching the filter (export), in id order. */
  async visibleAll(p: Principal, filter: Omit<CameraListQuery, 'limit' | 'cursor'>): Promise<Camera[]> {
    const out: Camera[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(p, { ...filter, limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  /** The cameras visible to p matching the filter as GeoJSON (department codes as properties). */
  async exportGeoJson(p: Principal, filter: Omit<CameraListQuery, 'limit' | 'cursor'>): Promise<unknown> {
    return camerasToGeoJson(await this.visibleAll(p, filter), await this.org.departments());
  }

  /** The cameras visible to p matching the filter as CSV (the import's columns). */
  async exportCsv(p: Principal, filter: Omit<CameraListQuery, 'limit' | 'cursor'>): Promise<string> {
    return camerasToCsv(await this.visibleAll(p, filter), await this.org.departments(), await this.org.networks());
  }
}
