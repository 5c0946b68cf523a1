// Finding a camera: ranked text search and the department → network/grid tree, both only over what the caller may see.
import type { CameraSearchHit, CameraTree, CameraTreeLeaves } from '../contract';
import type { PolicyCamera, Principal } from '../auth/policy';
import type { FinderRow } from '../db/camera-finder-repo';

/** The reads the finder needs (CameraFinderRepo). */
export interface FinderStore {
  search(text: string, departments: number[] | null, limit: number, offset: number): Promise<FinderRow[]>;
  rows(
    departments: number[] | null,
    group?: { by: 'network' | 'grid'; id: number | null; departmentId: number },
  ): Promise<FinderRow[]>;
  countGroups(
    by: 'network' | 'grid',
    departments: number[] | null,
  ): Promise<Array<{ departmentId: number; group: number | null; count: number }>>;
  groupNames(by: 'network' | 'grid', ids: number[]): Promise<Map<number, string>>;
}

/** Visibility as the access control compiles it from the policy. */
export interface FinderAccess {
  predicate(p: Principal): (cam: PolicyCamera) => boolean;
  departments(p: Principal): number[] | null;
  wholeDepartments(p: Principal): number[] | null;
}

/** Rows read per search step, and how many rows a search reads at most before it answers with what it found. */
const SEARCH_CHUNK = 200;
const SEARCH_MAX_SCAN = 10_000;

const summary = (r: FinderRow): Omit<CameraSearchHit, 'match'> => ({
  id: r.id,
  name: r.name,
  departmentId: r.departmentId,
  status: r.status,
  lng: r.lng,
  lat: r.lat,
  address: r.address,
  tags: r.tags,
});

/** Which field of the camera made it a hit, in the order of the ranking. */
export function matchOf(r: Pick<FinderRow, 'id' | 'name' | 'tags'>, text: string): CameraSearchHit['match'] {
  const low = text.toLowerCase();
  if (r.id === text) return 'id';
  if (r.name.toLowerCase().includes(low)) return 'name';
  if (r.tags.some((t) => t.toLowerCase().includes(low))) return 'tag';
  return 'address';
}

export class CameraFinder {
  constructor(
    private readonly store: FinderStore,
    private readonly access: FinderAccess,
  ) {}

  /** Up to `limit` visible cameras matching `text` (id, name, tag, address), best first. */
  async search(p: Principal, text: string, limit: number): Promise<CameraSearchHit[]> {
    const departments = this.access.departments(p);
    if (departments && !departments.length) return [];
    const visible = this.access.predicate(p);
    const out: CameraSearchHit[] = [];
    for (let offset = 0; offset < SEARCH_MAX_SCAN; offset += SEARCH_CHUNK) {
      const rows = await this.store.search(text, departments, SEARCH_CHUNK, offset);
      for (const r of rows) {
        if (!visible(r)) continue;
        out.push({ ...summary(r), match: matchOf(r, text) });
        if (out.length === limit) return out;
      }
      if (rows.length < SEARCH_CHUNK) break;
    }
    return out;
  }

  /** The visible cameras counted per department, then per network or grid (named; the group of none last). */
  async tree(p: Principal, by: 'network' | 'grid'): Promise<CameraTree> {
    const departments = this.access.departments(p);
    if (departments && !departments.length) return { by, departments: [] };
    const counts = new Map<number, Map<number | null, number>>();
    const add = (departmentId: number, key: number | null, n: number): void => {
      let groups = counts.get(departmentId);
      if (!groups) counts.set(departmentId, (groups = new Map()));
      groups.set(key, (groups.get(key) ?? 0) + n);
    };
    // departments seen whole are counted by the database; the others camera by camera through the policy
    const whole = this.access.wholeDepartments(p);
    for (const c of whole === null || whole.length ? await this.store.countGroups(by, whole) : [])
      add(c.departmentId, c.group, c.count);
    if (whole !== null) {
      // the rest of what p may see (null: any department, for a city admin with an area scope)
      const rest = departments === null ? null : departments.filter((d) => !whole.includes(d));
      const visible = this.access.predicate(p);
      for (const r of rest === null || rest.length ? await this.store.rows(rest) : []) {
        if (!whole.includes(r.departmentId) && visible(r))
          add(r.departmentId, by === 'network' ? r.networkId : r.gridId, 1);
      }
    }
    const ids = [...new Set([...counts.values()].flatMap((g) => [...g.keys()]).filter((k): k is number => k !== null))];
    const names = await this.store.groupNames(by, ids);
    return {
      by,
      departments: [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([id, groups]) => ({
          id,
          count: [...groups.values()].reduce((a, b) => a + b, 0),
          groups: [...groups.entries()]
            .map(([gid, count]) => ({ id: gid, name: gid === null ? '' : (names.get(gid) ?? `#${gid}`), count }))
            .sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : a.name.localeCompare(b.name, 'zh-CN'))),
        })),
    };
  }

  /** The visible cameras of one group of the tree, by name (at most `limit`; `total` counts them all). */
  async leaves(
    p: Principal,
    by: 'network' | 'grid',
    departmentId: number,
    group: number | null,
    limit: number,
  ): Promise<CameraTreeLeaves> {
    const departments = this.access.departments(p);
    if (departments && !departments.includes(departmentId)) return { items: [], total: 0 };
    const visible = this.access.predicate(p);
    const rows = (await this.store.rows(departments, { by, id: group, departmentId })).filter((r) => visible(r));
    return { items: rows.slice(0, limit).map(summary), total: rows.length };
  }
}
