// Access policy, bulk visibility: the camera-visibility answers for index scans, caches and database counts, each
// the same decision as policy.can(p, 'view', …) made once per principal instead of once per camera. Pure, no I/O.
import type { MultiPolygon, Polygon } from 'geojson';
import { isCityAdmin, mayViewAny, shareActive } from './policy';
import type { PolicyCamera, Principal, ShareGrant } from './policy-terms';
import { inArea } from './policy-area';
import { narrowedDepartments, narrowingOf, withinNarrowing } from './policy-embed';

/**
 * A fast visibility predicate for one principal, for use inside index scans: the shares are
 * pre-sorted by source department so each camera costs a map lookup, not a scan of all shares.
 */
export function visibilityPredicate(
  p: Principal,
  shares: readonly ShareGrant[],
  now: Date = new Date(),
): (cam: PolicyCamera) => boolean {
  if (!mayViewAny(p)) return () => false;
  const area = p.area;
  const narrowed = narrowingOf(p).length > 0;
  const inScope =
    area || narrowed ? (c: PolicyCamera) => (!area || inArea(area, c.lng, c.lat)) && withinNarrowing(p, c) : () => true;
  if (isCityAdmin(p)) return inScope;
  const byDept = new Map<
    number,
    { all: boolean; tags: Set<string>; ids: Set<string>; polys: Array<Polygon | MultiPolygon> }
  >();
  for (const s of shares) {
    if (s.toDepartmentId !== p.departmentId || !shareActive(s, now)) continue;
    let e = byDept.get(s.fromDepartmentId);
    if (!e) byDept.set(s.fromDepartmentId, (e = { all: false, tags: new Set(), ids: new Set(), polys: [] }));
    if (s.kind === 'all') e.all = true;
    else if (s.kind === 'tags') s.tags.forEach((t) => e.tags.add(t));
    else if (s.kind === 'cameras') s.cameraIds.forEach((id) => e.ids.add(id));
    else if (s.polygon) e.polys.push(s.polygon);
  }
  const own = p.departmentId;
  return (c) => {
    if (!inScope(c)) return false;
    if (c.departmentId === own) return true;
    const e = byDept.get(c.departmentId);
    if (!e) return false;
    if (e.all || e.ids.has(c.id)) return true;
    for (const t of c.tags) if (e.tags.has(t)) return true;
    for (const g of e.polys) if (inArea(g, c.lng, c.lat)) return true;
    return false;
  };
}

/**
 * The departments any of whose cameras `p` may see: its own and the sources of active shares to it,
 * [] when it may see none, null when any department's (a city-wide admin). A superset of what
 * visibilityPredicate accepts, which the spatial index checks on a dense column before it reads a
 * camera's record and runs the predicate.
 */
export function visibleDepartments(
  p: Principal,
  shares: readonly ShareGrant[],
  now: Date = new Date(),
): number[] | null {
  if (!mayViewAny(p)) return [];
  const only = narrowedDepartments(p);
  if (isCityAdmin(p)) return only;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares) if (s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out].filter((d) => only === null || only.includes(d));
}

/** A stable string naming everything that decides visibility for `p` (cluster cache key). */
export function visibilitySignature(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): string {
  if (!mayViewAny(p)) return 'none';
  const narrow = narrowingOf(p);
  const area = (p.area ? JSON.stringify(p.area) : '') + (narrow.length ? `|n${JSON.stringify(narrow)}` : '');
  if (isCityAdmin(p)) return `all|${area}`;
  const ids = shares
    .filter((s) => s.toDepartmentId === p.departmentId && shareActive(s, now))
    .map((s) => s.id)
    .sort((a, b) => a - b);
  return `d${p.departmentId}|s${ids.join(',')}|${area}`;
}

/**
 * The departments every camera of which `p` may see: null for all of them (a city-wide admin without an area
 * scope), else its own and the sources of active whole-department ("all") shares to it; [] when it has an area
 * scope or may see no camera. A subset of visibleDepartments: cameras of these departments need no check one
 * by one (the camera tree counts them in the database).
 */
export function wholeDepartments(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): number[] | null {
  if (!mayViewAny(p) || p.area || narrowingOf(p).length > 0) return [];
  if (isCityAdmin(p)) return null;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares)
    if (s.kind === 'all' && s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out];
}
