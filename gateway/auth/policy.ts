// Access policy: the one pure module that decides can(principal, action, camera). No I/O.
import type { Geometry, MultiPolygon, Polygon } from 'geojson';

export type Role = 'admin' | 'operator' | 'viewer' | 'auditor' | 'integrator';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'auditor', 'integrator'];

/** Actions on one camera. */
export type CameraAction = 'view' | 'snapshot' | 'ptz' | 'edit' | 'delete' | 'share' | 'resync' | 'post-event';
/** Actions not tied to one camera. */
export type GlobalAction =
  | 'camera-create'
  | 'discover'
  | 'audit-read'
  | 'user-manage'
  | 'apikey-manage'
  | 'share-manage'
  | 'network-manage'
  | 'grid-manage'
  | 'department-manage'
  | 'spatial-query'
  | 'event-read';

export interface ShareGrant {
  id: number;
  fromDepartmentId: number;
  toDepartmentId: number;
  kind: 'all' | 'tags' | 'cameras' | 'polygon';
  tags: string[];
  cameraIds: string[];
  polygon: Polygon | MultiPolygon | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface Principal {
  kind: 'user' | 'apikey';
  id: number;
  name: string;
  role: Role;
  /** null only for a city-wide admin */
  departmentId: number | null;
  /** Optional area scope: the principal sees only cameras inside it. */
  area: Polygon | MultiPolygon | null;
  /** API key scopes (empty for users). */
  scopes: string[];
}

export interface PolicyCamera {
  id: string;
  departmentId: number;
  tags: readonly string[];
  lng: number;
  lat: number;
}

const CAMERA_ACTIONS: Record<Role, readonly CameraAction[]> = {
  admin: ['view', 'snapshot', 'ptz', 'edit', 'delete', 'share', 'resync', 'post-event'],
  operator: ['view', 'snapshot', 'ptz', 'resync', 'post-event'],
  viewer: ['view', 'snapshot'],
  auditor: [],
  integrator: ['view', 'snapshot', 'post-event'],
};

/** Actions a role may take only on its own department's cameras (never through a share). */
const OWNER_ONLY: ReadonlySet<CameraAction> = new Set(['edit', 'delete', 'share', 'resync']);

const GLOBAL_ACTIONS: Record<Role, readonly GlobalAction[]> = {
  admin: ['camera-create', 'discover', 'audit-read', 'user-manage', 'apikey-manage', 'share-manage', 'network-manage', 'grid-manage', 'department-manage', 'spatial-query', 'event-read'],
  operator: ['camera-create', 'discover', 'spatial-query', 'event-read'],
  viewer: ['spatial-query', 'event-read'],
  auditor: ['audit-read'],
  integrator: ['spatial-query', 'event-read'],
};

/** Global actions only a city-wide admin (no department) may take. */
const CITY_ONLY: ReadonlySet<GlobalAction> = new Set(['department-manage', 'grid-manage']);

/** API keys carry scopes; each action needs its scope (users have none and are not limited by them). */
const SCOPE_OF: Partial<Record<CameraAction | GlobalAction, string>> = {
  view: 'view',
  snapshot: 'view',
  'post-event': 'events',
  'event-read': 'events',
  'spatial-query': 'spatial',
};

function scopeAllows(p: Principal, action: CameraAction | GlobalAction): boolean {
  if (p.kind !== 'apikey') return true;
  const need = SCOPE_OF[action];
  return need === undefined || p.scopes.includes(need);
}

export function isCityAdmin(p: Principal): boolean {
  return p.role === 'admin' && p.departmentId === null;
}

export function canDo(p: Principal, action: GlobalAction): boolean {
  if (!GLOBAL_ACTIONS[p.role].includes(action) || !scopeAllows(p, action)) return false;
  return !CITY_ONLY.has(action) || isCityAdmin(p);
}

export function shareActive(s: ShareGrant, now: Date): boolean {
  return s.revokedAt === null && (s.expiresAt === null || s.expiresAt.getTime() > now.getTime());
}

/** Ray casting over one ring; points on an edge count as inside. */
function inRing(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    const cross = (x - xi) * (yj - yi) - (y - yi) * (xj - xi);
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygonRings(rings: number[][][], x: number, y: number): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !inRing(outer, x, y)) return false;
  return !holes.some((h) => inRing(h, x, y) && !onRingEdge(h, x, y));
}

function onRingEdge(ring: number[][], x: number, y: number): boolean {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if ((x - xi) * (yj - yi) - (y - yi) * (xj - xi) === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return true;
  }
  return false;
}

/** True when (lng, lat) lies inside the Polygon / MultiPolygon (holes excluded, edges included). */
export function inArea(g: Geometry, lng: number, lat: number): boolean {
  if (g.type === 'Polygon') return inPolygonRings(g.coordinates, lng, lat);
  if (g.type === 'MultiPolygon') return g.coordinates.some((rings) => inPolygonRings(rings, lng, lat));
  return false;
}

function shareCovers(s: ShareGrant, cam: PolicyCamera): boolean {
  switch (s.kind) {
    case 'all':
      return true;
    case 'tags':
      return s.tags.some((t) => cam.tags.includes(t));
    case 'cameras':
      return s.cameraIds.includes(cam.id);
    case 'polygon':
      return s.polygon !== null && inArea(s.polygon, cam.lng, cam.lat);
  }
}

/**
 * The whole access decision. `shares` are the grants of the city (any order; inactive ones are
 * ignored here). `now` decides expiry.
 */
export function can(p: Principal, action: CameraAction, cam: PolicyCamera, shares: readonly ShareGrant[], now: Date = new Date()): boolean {
  if (!CAMERA_ACTIONS[p.role].includes(action) || !scopeAllows(p, action)) return false;
  if (p.area && !inArea(p.area, cam.lng, cam.lat)) return false;
  if (isCityAdmin(p)) return true;
  if (p.departmentId === cam.departmentId) return true;
  if (OWNER_ONLY.has(action)) return false;
  return shares.some((s) => s.toDepartmentId === p.departmentId && s.fromDepartmentId === cam.departmentId && shareActive(s, now) && shareCovers(s, cam));
}

/**
 * A fast visibility predicate for one principal, for use inside index scans: the shares are
 * pre-sorted by source department so each camera costs a map lookup, not a scan of all shares.
 */
export function visibilityPredicate(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): (cam: PolicyCamera) => boolean {
  if (!CAMERA_ACTIONS[p.role].includes('view') || !scopeAllows(p, 'view')) return () => false;
  const area = p.area;
  const inScope = area ? (c: PolicyCamera) => inArea(area, c.lng, c.lat) : () => true;
  if (isCityAdmin(p)) return inScope;
  const byDept = new Map<number, { all: boolean; tags: Set<string>; ids: Set<string>; polys: Array<Polygon | MultiPolygon> }>();
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
export function visibleDepartments(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): number[] | null {
  if (!CAMERA_ACTIONS[p.role].includes('view') || !scopeAllows(p, 'view')) return [];
  if (isCityAdmin(p)) return null;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares) if (s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out];
}

/** A stable string naming everything that decides visibility for `p` (cluster cache key). */
export function visibilitySignature(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): string {
  if (!CAMERA_ACTIONS[p.role].includes('view') || !scopeAllows(p, 'view')) return 'none';
  const area = p.area ? JSON.stringify(p.area) : '';
  if (isCityAdmin(p)) return `all|${area}`;
  const ids = shares.filter((s) => s.toDepartmentId === p.departmentId && shareActive(s, now)).map((s) => s.id).sort((a, b) => a - b);
  return `d${p.departmentId}|s${ids.join(',')}|${area}`;
}

/**
 * The audit rows `p` may read: 'all', those of one department (a department admin reads its own
 * department's), or null (none). Auditors read the whole log, as do city-wide admins.
 */
export function auditScope(p: Principal): 'all' | { departmentId: number } | null {
  if (!canDo(p, 'audit-read')) return null;
  if (p.role === 'admin' && !isCityAdmin(p) && p.departmentId !== null) return { departmentId: p.departmentId };
  return 'all';
}

/**
 * Whether `p`, reading an audit row it may read (see auditScope), is shown the name of the camera the
 * row names. An auditor's work is to read who watched what, so it is shown every name in the rows it
 * reads (it still may not view the cameras); a department admin only the names of cameras it may see
 * now (own, or shared to it), so a refused call on another department's camera does not reveal it.
 */
export function auditCameraNameVisible(p: Principal, cam: PolicyCamera, shares: readonly ShareGrant[], now: Date = new Date()): boolean {
  const scope = auditScope(p);
  if (scope === null) return false;
  if (p.role === 'auditor' || isCityAdmin(p)) return true;
  return can(p, 'view', cam, shares, now);
}

/**
 * The departments every camera of which `p` may see: null for all of them (a city-wide admin without an area
 * scope), else its own and the sources of active whole-department ("all") shares to it; [] when it has an area
 * scope or may see no camera. A subset of visibleDepartments: cameras of these departments need no check one
 * by one (the camera tree counts them in the database).
 */
export function wholeDepartments(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): number[] | null {
  if (!CAMERA_ACTIONS[p.role].includes('view') || !scopeAllows(p, 'view') || p.area) return [];
  if (isCityAdmin(p)) return null;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares) if (s.kind === 'all' && s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out];
}
