// Departments, networks, grids and share grants.
import type { Knex } from 'knex';
import type { Department, Grid, Network, Share } from '../contract';
import type { ShareGrant } from '../auth/policy';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

export interface NetworkRecord extends Network {
  defaultCredentialsEnc: string | null;
}

export const departmentFromRow = (r: Row): Department => ({
  id: Number(r.id),
  code: String(r.code),
  name: String(r.name),
  nameEn: String(r.name_en ?? ''),
  settings: (r.settings as Department['settings']) ?? {},
});

export const networkFromRow = (r: Row): NetworkRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  name: String(r.name),
  interface: String(r.interface ?? ''),
  cidrs: (r.cidrs as string[]) ?? [],
  hosts: (r.hosts as string[]) ?? [],
  hasDefaultCredentials: r.default_credentials_enc != null,
  defaultCredentialsEnc: (r.default_credentials_enc as string | null) ?? null,
});

export const gridFromRow = (r: Row): Grid => ({
  id: Number(r.id),
  name: String(r.name),
  kind: String(r.kind),
  geometry: r.geometry as Grid['geometry'],
  properties: (r.properties as Record<string, unknown>) ?? {},
});

export const shareFromRow = (r: Row): Share => ({
  id: Number(r.id),
  fromDepartmentId: Number(r.from_department_id),
  toDepartmentId: Number(r.to_department_id),
  kind: r.kind as Share['kind'],
  tags: (r.tags as string[]) ?? [],
  cameraIds: ((r.camera_ids as Array<string | number>) ?? []).map(String),
  polygon: (r.polygon as Share['polygon']) ?? null,
  grants: r.grants === 'live+playback' ? 'live+playback' : 'live',
  note: String(r.note ?? ''),
  expiresAt: iso(r.expires_at),
  revokedAt: iso(r.revoked_at),
  createdAt: iso(r.created_at) ?? '',
});

export const grantFromShare = (s: Share): ShareGrant => ({
  id: s.id,
  fromDepartmentId: s.fromDepartmentId,
  toDepartmentId: s.toDepartmentId,
  kind: s.kind,
  tags: s.tags,
  cameraIds: s.cameraIds,
  polygon: s.polygon,
  grants: s.grants,
  expiresAt: s.expiresAt ? new Date(s.expiresAt) : null,
  revokedAt: s.revokedAt ? new Date(s.revokedAt) : null,
});

export class OrgRepo {
  constructor(private readonly knex: Knex) {}

  async departments(): Promise<Department[]> {
    return ((await this.knex('departments').orderBy('id')) as Row[]).map(departmentFromRow);
  }
  async department(id: number): Promise<Department | null> {
    const r = (await this.knex('departments').where({ id }).first()) as Row | undefined;
    return r ? departmentFromRow(r) : null;
  }
  async departmentByCode(code: string): Promise<Department | null> {
    const r = (await this.knex('departments').where({ code }).first()) as Row | undefined;
    return r ? departmentFromRow(r) : null;
  }
  async createDepartment(d: Omit<Department, 'id'>): Promise<Department> {
    const [r] = (await this.knex('departments')
      .insert({ code: d.code, name: d.name, name_en: d.nameEn, settings: JSON.stringify(d.settings) })
      .returning('*')) as Row[];
    return departmentFromRow(r!);
  }

  async updateDepartment(id: number, d: Partial<Omit<Department, 'id' | 'code'>>): Promise<Department | null> {
    const row: Record<string, unknown> = {};
    if (d.name !== undefined) row.name = d.name;
    if (d.nameEn !== undefined) row.name_en = d.nameEn;
    if (d.settings !== undefined) row.settings = JSON.stringify(d.settings);
    if (Object.keys(row).length === 0) return this.department(id);
    const [r] = (await this.knex('departments').where({ id }).update(row).returning('*')) as Row[];
    return r ? departmentFromRow(r) : null;
  }

  async networks(departmentId?: number): Promise<NetworkRecord[]> {
    const q = this.knex('networks').orderBy('id');
    if (departmentId !== undefined) q.where({ department_id: departmentId });
    return ((await q) as Row[]).map(networkFromRow);
  }
  async network(id: number): Promise<NetworkRecord | null> {
    const r = (await this.knex('networks').where({ id }).first()) as Row | undefined;
    return r ? networkFromRow(r) : null;
  }
  async networkByName(name: string): Promise<NetworkRecord | null> {
    const r = (await this.knex('networks').where({ name }).first()) as Row | undefined;
    return r ? networkFromRow(r) : null;
  }
  async createNetwork(n: {
    departmentId: number;
    name: string;
    interface: string;
    cidrs: string[];
    hosts: string[];
    defaultCredentialsEnc: string | null;
  }): Promise<NetworkRecord> {
    const [r] = (await this.knex('networks')
      .insert({
        department_id: n.departmentId,
        name: n.name,
        interface: n.interface,
        cidrs: n.cidrs,
        hosts: n.hosts,
        default_credentials_enc: n.defaultCredentialsEnc,
      })
      .returning('*')) as Row[];
    return networkFromRow(r!);
  }
  async deleteNetwork(id: number): Promise<boolean> {
    return (await this.knex('networks').where({ id }).delete()) > 0;
  }

  async grids(kind?: string): Promise<Grid[]> {
    const q = this.knex('grids').orderBy('id');
    if (kind) q.where({ kind });
    return ((await q) as Row[]).map(gridFromRow);
  }
  async grid(id: number): Promise<Grid | null> {
    const r = (await this.knex('grids').where({ id }).first()) as Row | undefined;
    return r ? gridFromRow(r) : null;
  }
  async createGrids(gs: Array<Omit<Grid, 'id'>>, db: Knex | Knex.Transaction = this.knex): Promise<Grid[]> {
    if (gs.length === 0) return [];
    const rows = (await db('grids')
      .insert(
        gs.map((g) => ({
          name: g.name,
          kind: g.kind,
          geometry: JSON.stringify(g.geometry),
          properties: JSON.stringify(g.properties),
        })),
      )
      .returning('*')) as Row[];
    return rows.map(gridFromRow);
  }
  async deleteGrid(id: number): Promise<boolean> {
    return (await this.knex('grids').where({ id }).delete()) > 0;
  }

  async shares(filter: { departmentId?: number } = {}): Promise<Share[]> {
    const q = this.knex('shares').orderBy('id');
    if (filter.departmentId !== undefined)
      q.where((w) =>
        w.where({ from_department_id: filter.departmentId }).orWhere({ to_department_id: filter.departmentId }),
      );
    return ((await q) as Row[]).map(shareFromRow);
  }
  async share(id: number): Promise<Share | null> {
    const r = (await this.knex('shares').where({ id }).first()) as Row | undefined;
    return r ? shareFromRow(r) : null;
  }
  async createShare(s: Omit<Share, 'id' | 'revokedAt' | 'createdAt'> & { createdBy: number | null }): Promise<Share> {
    const [r] = (await this.knex('shares')
      .insert({
        from_department_id: s.fromDepartmentId,
        to_department_id: s.toDepartmentId,
        kind: s.kind,
        tags: s.tags,
        camera_ids: s.cameraIds,
        polygon: s.polygon ? JSON.stringify(s.polygon) : null,
        grants: s.grants,
        note: s.note,
        expires_at: s.expiresAt,
        created_by: s.createdBy,
      })
      .returning('*')) as Row[];
    return shareFromRow(r!);
  }
  async revokeShare(id: number): Promise<Share | null> {
    const [r] = (await this.knex('shares')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() })
      .returning('*')) as Row[];
    return r ? shareFromRow(r) : null;
  }
}
