// Reads for finding a camera: ranked text search (name, id, tag, address) and the rows of the department → network/grid tree.
import type { Knex } from 'knex';

/** The columns a search hit or a tree leaf needs (no URIs, no credentials). */
export interface FinderRow {
  id: string;
  name: string;
  departmentId: number;
  networkId: number | null;
  gridId: number | null;
  status: string;
  lng: number;
  lat: number;
  address: string;
  tags: string[];
}

type Row = Record<string, unknown>;
const COLUMNS = ['id', 'name', 'department_id', 'network_id', 'grid_id', 'status', 'lng', 'lat', 'address', 'tags'];

const fromRow = (r: Row): FinderRow => ({
  id: String(r.id),
  name: String(r.name),
  departmentId: Number(r.department_id),
  networkId: r.network_id == null ? null : Number(r.network_id),
  gridId: r.grid_id == null ? null : Number(r.grid_id),
  status: String(r.status),
  lng: Number(r.lng),
  lat: Number(r.lat),
  address: String(r.address ?? ''),
  tags: (r.tags as string[]) ?? [],
});

export class CameraFinderRepo {
  constructor(private readonly knex: Knex) {}

  /**
   * Cameras whose id equals `text`, or whose name, address or a tag contains it (case-insensitive), best first:
   * the id, then names starting with it, names containing it, an exact tag, the rest; then by name. `departments`
   * null = any. Returns at most `limit` rows from `offset` (the caller filters visibility and pages on).
   */
  async search(text: string, departments: number[] | null, limit: number, offset: number): Promise<FinderRow[]> {
    const esc = text.replace(/[\\%_]/g, (m) => `\\${m}`);
    const like = `%${esc}%`;
    const q = this.knex('cameras')
      .select(COLUMNS)
      .where((w) => {
        w.whereILike('name', like)
          .orWhereILike('address', like)
          .orWhereRaw('EXISTS (SELECT 1 FROM unnest(tags) AS t WHERE t ILIKE ?)', [like]);
        if (/^\d{1,18}$/.test(text)) w.orWhere('id', text);
      })
      .orderByRaw(
        'CASE WHEN id::text = ? THEN 0 WHEN name ILIKE ? THEN 1 WHEN name ILIKE ? THEN 2 WHEN ? = ANY(tags) THEN 3 ELSE 4 END, name, id',
        [text, `${esc}%`, like, text],
      )
      .limit(limit)
      .offset(offset);
    if (departments) q.whereIn('department_id', departments);
    return ((await q) as Row[]).map(fromRow);
  }

  /** Every camera of `departments` (null = all), optionally of one network or grid (null = none), by name. */
  async rows(
    departments: number[] | null,
    group?: { by: 'network' | 'grid'; id: number | null; departmentId: number },
  ): Promise<FinderRow[]> {
    const q = this.knex('cameras').select(COLUMNS).orderBy(['name', 'id']);
    if (departments) q.whereIn('department_id', departments);
    if (group) {
      const col = group.by === 'network' ? 'network_id' : 'grid_id';
      q.where('department_id', group.departmentId);
      if (group.id === null) q.whereNull(col);
      else q.where(col, group.id);
    }
    return ((await q) as Row[]).map(fromRow);
  }

  /** Cameras counted per department and network or grid (group null: none), for `departments` (null = all). */
  async countGroups(
    by: 'network' | 'grid',
    departments: number[] | null,
  ): Promise<Array<{ departmentId: number; group: number | null; count: number }>> {
    const col = by === 'network' ? 'network_id' : 'grid_id';
    const q = this.knex('cameras')
      .select('department_id', `${col} as grp`)
      .count('* as n')
      .groupBy('department_id', col);
    if (departments) q.whereIn('department_id', departments);
    return ((await q) as Row[]).map((r) => ({
      departmentId: Number(r.department_id),
      group: r.grp == null ? null : Number(r.grp),
      count: Number(r.n),
    }));
  }

  /** Names of networks or grids by id. */
  async groupNames(by: 'network' | 'grid', ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = (await this.knex(by === 'network' ? 'networks' : 'grids')
      .select('id', 'name')
      .whereIn('id', ids)) as Row[];
    return new Map(rows.map((r) => [Number(r.id), String(r.name)]));
  }
}
