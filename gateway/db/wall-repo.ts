// Wall screens, their panes and saved views: rows of wall_screens, wall_panes and wall_views.
import type { Knex } from 'knex';
import type { ScreenRecord, ViewRecord } from '../wall/wall-model';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const UNIQUE = '23505';
const isUnique = (err: unknown): boolean => (err as { code?: string }).code === UNIQUE;

/** What a screen write carries. */
export interface ScreenWrite {
  departmentId: number;
  name: string;
  col: number;
  row: number;
  layout: string;
}

/** What a view write carries. */
export interface ViewWrite {
  departmentId: number;
  ownerId: number;
  name: string;
  layout: string;
  cameras: Array<string | null>;
  shared: boolean;
}

const viewFromRow = (r: Row): ViewRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  ownerId: Number(r.owner_id),
  name: String(r.name),
  layout: String(r.layout),
  cameras: r.cameras as Array<string | null>,
  shared: Boolean(r.shared),
  updatedAt: iso(r.updated_at),
});

export class WallRepo {
  constructor(private readonly knex: Knex) {}

  /** Screens of the departments (null: every department) with their panes, by wall position. */
  async screens(departmentIds: number[] | null, id?: number): Promise<ScreenRecord[]> {
    const q = this.knex('wall_screens').select('*').orderBy(['department_id', 'wall_row', 'wall_col', 'id']);
    if (departmentIds) q.whereIn('department_id', departmentIds);
    if (id !== undefined) q.where('id', id);
    const rows = (await q) as Row[];
    if (!rows.length) return [];
    const panes = (await this.knex('wall_panes')
      .select('screen_id', 'pane', 'camera_id')
      .whereIn(
        'screen_id',
        rows.map((r) => r.id as number),
      )) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      departmentId: Number(r.department_id),
      name: String(r.name),
      col: Number(r.wall_col),
      row: Number(r.wall_row),
      layout: String(r.layout),
      panes: new Map(
        panes.filter((p) => Number(p.screen_id) === Number(r.id)).map((p) => [Number(p.pane), String(p.camera_id)]),
      ),
      paired: r.token_hash !== null,
      updatedAt: iso(r.updated_at),
    }));
  }

  async screen(id: number): Promise<ScreenRecord | null> {
    return (await this.screens(null, id))[0] ?? null;
  }

  /** The new screen's id; null when its department already has a screen of that name. */
  async createScreen(w: ScreenWrite): Promise<number | null> {
    try {
      const [row] = (await this.knex('wall_screens')
        .insert({ department_id: w.departmentId, name: w.name, wall_col: w.col, wall_row: w.row, layout: w.layout })
        .returning('id')) as Row[];
      return Number(row!.id);
    } catch (err) {
      if (isUnique(err)) return null;
      throw err;
    }
  }

  /** false: no such screen; 'duplicate': the name is taken. Panes beyond a smaller layout are emptied. */
  async updateScreen(
    id: number,
    w: Partial<Omit<ScreenWrite, 'departmentId'>>,
    panes?: number,
  ): Promise<boolean | 'duplicate'> {
    const row: Row = { updated_at: this.knex.fn.now() };
    if (w.name !== undefined) row.name = w.name;
    if (w.col !== undefined) row.wall_col = w.col;
    if (w.row !== undefined) row.wall_row = w.row;
    if (w.layout !== undefined) row.layout = w.layout;
    try {
      return await this.knex.transaction(async (tx) => {
        const n = await tx('wall_screens').where({ id }).update(row);
        if (panes !== undefined) await tx('wall_panes').where('screen_id', id).andWhere('pane', '>=', panes).delete();
        return n > 0;
      });
    } catch (err) {
      if (isUnique(err)) return 'duplicate';
      throw err;
    }
  }

  async removeScreen(id: number): Promise<boolean> {
    return (await this.knex('wall_screens').where({ id }).delete()) > 0;
  }

  /** Stores a new pairing secret's hash (the token in use stays valid until the pairing is used). */
  async setPairing(id: number, hash: string, expiresAt: Date): Promise<void> {
    await this.knex('wall_screens').where({ id }).update({ pairing_hash: hash, pairing_expires_at: expiresAt });
  }

  /**
   * Uses the pairing secret with hash `hash`, once: sets the token's hash and forgets the secret.
   * false when the screen has no such unexpired secret.
   */
  async pair(id: number, hash: string, tokenHash: string): Promise<boolean> {
    const n = await this.knex('wall_screens')
      .where({ id, pairing_hash: hash })
      .andWhere('pairing_expires_at', '>', this.knex.fn.now())
      .update({ pairing_hash: null, pairing_expires_at: null, token_hash: tokenHash, paired_at: this.knex.fn.now() });
    return n > 0;
  }

  /** The screen whose token hash is `tokenHash`: id, name and department; null when none. */
  async screenByToken(
    id: number,
    tokenHash: string,
  ): Promise<{ id: number; name: string; departmentId: number } | null> {
    const r = (await this.knex('wall_screens')
      .select('id', 'name', 'department_id')
      .where({ id, token_hash: tokenHash })
      .first()) as Row | undefined;
    return r ? { id: Number(r.id), name: String(r.name), departmentId: Number(r.department_id) } : null;
  }

  /** Screen `id` when a browser holds its token: id, name and department; null when gone or unpaired. */
  async pairedScreen(id: number): Promise<{ id: number; name: string; departmentId: number } | null> {
    const r = (await this.knex('wall_screens')
      .select('id', 'name', 'department_id')
      .where({ id })
      .whereNotNull('token_hash')
      .first()) as Row | undefined;
    return r ? { id: Number(r.id), name: String(r.name), departmentId: Number(r.department_id) } : null;
  }

  /** Sets (camera id) or clears (null) panes of a screen, and optionally its layout, in one transaction. */
  async setPanes(id: number, changes: Array<[pane: number, cameraId: string | null]>, layout?: string): Promise<void> {
    await this.knex.transaction(async (tx) => {
      const row: Row = { updated_at: tx.fn.now() };
      if (layout !== undefined) row.layout = layout;
      await tx('wall_screens').where({ id }).update(row);
      for (const [pane, cameraId] of changes) {
        if (cameraId === null) await tx('wall_panes').where({ screen_id: id, pane }).delete();
        else
          await tx('wall_panes')
            .insert({ screen_id: id, pane, camera_id: cameraId, updated_at: tx.fn.now() })
            .onConflict(['screen_id', 'pane'])
            .merge();
      }
    });
  }

  /** Views of the departments (null: all), by name. */
  async views(departmentIds: number[] | null): Promise<ViewRecord[]> {
    const q = this.knex('wall_views').select('*').orderBy(['name', 'id']);
    if (departmentIds) q.whereIn('department_id', departmentIds);
    return ((await q) as Row[]).map(viewFromRow);
  }

  async view(id: number): Promise<ViewRecord | null> {
    const r = (await this.knex('wall_views').where({ id }).first()) as Row | undefined;
    return r ? viewFromRow(r) : null;
  }

  /** The new view; null when its owner already has a view of that name. */
  async createView(w: ViewWrite): Promise<ViewRecord | null> {
    try {
      const [r] = (await this.knex('wall_views')
        .insert({
          department_id: w.departmentId,
          owner_id: w.ownerId,
          name: w.name,
          layout: w.layout,
          cameras: JSON.stringify(w.cameras),
          shared: w.shared,
        })
        .returning('*')) as Row[];
      return viewFromRow(r!);
    } catch (err) {
      if (isUnique(err)) return null;
      throw err;
    }
  }

  async updateView(id: number, w: Partial<ViewWrite>): Promise<ViewRecord | null | 'duplicate'> {
    const row: Row = { updated_at: this.knex.fn.now() };
    if (w.name !== undefined) row.name = w.name;
    if (w.layout !== undefined) row.layout = w.layout;
    if (w.cameras !== undefined) row.cameras = JSON.stringify(w.cameras);
    if (w.shared !== undefined) row.shared = w.shared;
    try {
      const [r] = (await this.knex('wall_views').where({ id }).update(row).returning('*')) as Row[];
      return r ? viewFromRow(r) : null;
    } catch (err) {
      if (isUnique(err)) return 'duplicate';
      throw err;
    }
  }

  async removeView(id: number): Promise<boolean> {
    return (await this.knex('wall_views').where({ id }).delete()) > 0;
  }
}
