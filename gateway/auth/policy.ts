// Access policy: the one pure module that answers every access question (route and socket gate, can per camera, department scopes). No I/O.
import type { Geometry, MultiPolygon, Polygon } from 'geojson';

/** Every role, in the order the console lists them; the API contract's role enum is built from this. */
export const ROLES = ['admin', 'operator', 'viewer', 'auditor', 'integrator'] as const;
export type Role = (typeof ROLES)[number];

/** Actions on one camera: answered per camera by `can` (ownership, shares, area scope). */
export const CAMERA_ACTIONS = [
  'view',
  'snapshot',
  'ptz',
  'edit',
  'delete',
  'share',
  'resync',
  'post-event',
  /** Recorded footage: spans and playback sessions. */
  'playback',
  /** Clip export of recorded footage (always with a reason). */
  'export',
] as const;
export type CameraAction = (typeof CAMERA_ACTIONS)[number];

/** Actions not tied to one camera: answered by `canDo`, some then narrowed to departments by `departmentScope`. */
export const GLOBAL_ACTIONS = [
  /** Register a camera (API, CSV/GeoJSON import, ONVIF registration): it decides where the gateway connects. */
  'camera-register',
  'camera-list',
  'discover',
  'audit-read',
  'user-manage',
  'apikey-manage',
  'share-read',
  'share-manage',
  'network-manage',
  'grid-read',
  'grid-manage',
  'department-read',
  'department-manage',
  'department-settings',
  'spatial-query',
  'event-read',
  /** Register, list and remove event sources (webhook, MQTT, ONVIF) and checkpoints/alarm points of a department. */
  'event-source-manage',
  /** Read a department's alarms and be notified of them (socket.io `alarm`). */
  'alarm-read',
  /** Acknowledge, assign, annotate, handle and close a department's alarms. */
  'alarm-handle',
  /** Create, change and remove a department's linkage rules (event → alarm → cameras). */
  'alarm-rule-manage',
  'session',
] as const;
export type GlobalAction = (typeof GLOBAL_ACTIONS)[number];

/**
 * Actions anyone may take without credentials: signing in, reading the API's own description, base-map tiles,
 * and posting to an event source's webhook, whose credential is the source's HMAC signature (checked by the
 * event service), and whose events are then checked per camera and point by `sourcePrincipal`.
 */
export const PUBLIC_ACTIONS = ['sign-in', 'api-describe', 'base-map-read', 'event-ingest'] as const;
export type PublicAction = (typeof PUBLIC_ACTIONS)[number];

/** Every action a route or socket event may name. */
export type Action = CameraAction | GlobalAction | PublicAction;
export const ACTIONS: readonly Action[] = [...CAMERA_ACTIONS, ...GLOBAL_ACTIONS, ...PUBLIC_ACTIONS];

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
  /** What the share grants on the cameras it covers: live viewing only, or live and recorded footage. */
  grants: ShareGrants;
}

/** What a share grants: 'live' (view, snapshot, events) or 'live+playback' (also playback and export). */
export const SHARE_GRANTS = ['live', 'live+playback'] as const;
export type ShareGrants = (typeof SHARE_GRANTS)[number];

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

const CAMERA_RIGHTS: Record<Role, readonly CameraAction[]> = {
  admin: ['view', 'snapshot', 'ptz', 'edit', 'delete', 'share', 'resync', 'post-event', 'playback', 'export'],
  operator: ['view', 'snapshot', 'ptz', 'resync', 'post-event', 'playback', 'export'],
  // live only by default: recorded footage is a right of its own
  viewer: ['view', 'snapshot'],
  auditor: [],
  integrator: ['view', 'snapshot', 'post-event', 'playback'],
};

/** Actions a role may take only on its own department's cameras (never through a share). */
const OWNER_ONLY: ReadonlySet<CameraAction> = new Set(['edit', 'delete', 'share', 'resync']);

/** Actions on recorded footage: a share grants them only when it says 'live+playback'. */
const FOOTAGE: ReadonlySet<CameraAction> = new Set(['playback', 'export']);

/** Whether a share can grant `action` on the cameras it covers (false: only the owning department may take it). */
export function sharesGrant(action: CameraAction): boolean {
  return !OWNER_ONLY.has(action);
}

/** Whether share `s` (active or not) grants `action` on the cameras it covers: footage actions need 'live+playback'. */
export function shareGrantsAction(s: ShareGrant, action: CameraAction): boolean {
  return sharesGrant(action) && (!FOOTAGE.has(action) || s.grants === 'live+playback');
}

const EVERYONE: readonly GlobalAction[] = ['camera-list', 'department-read', 'grid-read', 'session'];
const GLOBAL_RIGHTS: Record<Role, readonly GlobalAction[]> = {
  admin: [
    ...EVERYONE,
    'camera-register',
    'discover',
    'audit-read',
    'user-manage',
    'apikey-manage',
    'share-read',
    'share-manage',
    'network-manage',
    'grid-manage',
    'department-manage',
    'department-settings',
    'spatial-query',
    'event-read',
    'event-source-manage',
    'alarm-read',
    'alarm-handle',
    'alarm-rule-manage',
  ],
  operator: [...EVERYONE, 'discover', 'spatial-query', 'event-read', 'alarm-read', 'alarm-handle'],
  viewer: [...EVERYONE, 'spatial-query', 'event-read'],
  auditor: [...EVERYONE, 'audit-read', 'share-read'],
  integrator: [...EVERYONE, 'spatial-query', 'event-read'],
};

/** Global actions only a city-wide admin (no department) may take. */
const CITY_ONLY: ReadonlySet<GlobalAction> = new Set(['department-manage', 'grid-manage']);

/** API keys carry scopes; each action needs its scope (users have none and are not limited by them). */
const SCOPE_OF: Partial<Record<Action, string>> = {
  view: 'view',
  snapshot: 'view',
  playback: 'playback',
  'post-event': 'events',
  'event-read': 'events',
  'spatial-query': 'spatial',
};

function scopeAllows(p: Principal, action: Action): boolean {
  if (p.kind !== 'apikey') return true;
  const need = SCOPE_OF[action];
  return need === undefined || p.scopes.includes(need);
}

export function isCityAdmin(p: Principal): boolean {
  return p.role === 'admin' && p.departmentId === null;
}

/** Whether p may take a global action at all (its role, API key scope, and city-wide-only actions). */
export function canDo(p: Principal, action: GlobalAction): boolean {
  if (!GLOBAL_RIGHTS[p.role].includes(action) || !scopeAllows(p, action)) return false;
  return !CITY_ONLY.has(action) || isCityAdmin(p);
}

const isCameraAction = (a: Action): a is CameraAction => (CAMERA_ACTIONS as readonly string[]).includes(a);
const isPublicAction = (a: Action): a is PublicAction => (PUBLIC_ACTIONS as readonly string[]).includes(a);

/**
 * The gate of every route and socket event: may `p` (null: no credentials) ask for `action` at all?
 * Public actions: anyone. Global actions: `canDo`. Camera actions: the role holds the action and
 * the API key its scope; which cameras it applies to is then answered per camera by `can`.
 */
export function permits(p: Principal | null, action: Action): boolean {
  if (isPublicAction(action)) return true;
  if (p === null) return false;
  if (isCameraAction(action)) return CAMERA_RIGHTS[p.role].includes(action) && scopeAllows(p, action);
  return canDo(p, action);
}

/** True for the actions a request may take without credentials. */
export function isPublic(action: Action): boolean {
  return isPublicAction(action);
}

/** The roles `permits` lets ask for an action (with every scope an API key can hold). Documentation. */
export function rolesFor(action: Action): Role[] {
  if (isPublicAction(action)) return [...ROLES];
  return ROLES.filter((role) =>
    (isCameraAction(action) ? CAMERA_RIGHTS[role] : GLOBAL_RIGHTS[role]).includes(action as never),
  );
}

/** Global actions whose records these roles read in every department, not only their own. */
const ACROSS_DEPARTMENTS: Partial<Record<GlobalAction, readonly Role[]>> = {
  'audit-read': ['auditor'],
  'share-read': ['auditor'],
};

/**
 * Whose records a global action reaches for p: 'all' departments (a city-wide admin; an auditor
 * reading the audit log or the shares), its own department's id, or null when none.
 */
export function departmentScope(p: Principal, action: GlobalAction): 'all' | number | null {
  if (!canDo(p, action)) return null;
  if (isCityAdmin(p) || ACROSS_DEPARTMENTS[action]?.includes(p.role)) return 'all';
  return p.departmentId;
}

/** Whether p may take a global action on the records of department `departmentId` (null: city-wide records). */
export function inDepartment(p: Principal, action: GlobalAction, departmentId: number | null): boolean {
  const scope = departmentScope(p, action);
  return scope === 'all' || (scope !== null && scope === departmentId);
}

/** Roles that may exist without a department (city-wide); every other role belongs to one. */
const CITY_WIDE_ROLES: ReadonlySet<Role> = new Set(['admin', 'auditor']);

export function mayBeCityWide(role: Role): boolean {
  return CITY_WIDE_ROLES.has(role);
}

/**
 * The department a principal acts for when it creates records: its own, or, for a city-wide
 * admin, the one it names. `refused` says why otherwise (a foreign department; none named).
 */
export function actingDepartment(
  p: Principal,
  requested: number | undefined | null,
): { departmentId: number } | { refused: string } {
  if (p.departmentId === null) {
    if (requested == null) return { refused: 'a city-wide admin must name the departmentId' };
    return { departmentId: requested };
  }
  if (requested != null && requested !== p.departmentId) return { refused: `may not act for department ${requested}` };
  return { departmentId: p.departmentId };
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
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj))
      return true;
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
    if (
      (x - xi) * (yj - yi) - (y - yi) * (xj - xi) === 0 &&
      x >= Math.min(xi, xj) &&
      x <= Math.max(xi, xj) &&
      y >= Math.min(yi, yj) &&
      y <= Math.max(yi, yj)
    )
      return true;
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
export function can(
  p: Principal,
  action: CameraAction,
  cam: PolicyCamera,
  shares: readonly ShareGrant[],
  now: Date = new Date(),
): boolean {
  if (!CAMERA_RIGHTS[p.role].includes(action) || !scopeAllows(p, action)) return false;
  if (p.area && !inArea(p.area, cam.lng, cam.lat)) return false;
  if (isCityAdmin(p)) return true;
  if (p.departmentId === cam.departmentId) return true;
  if (OWNER_ONLY.has(action)) return false;
  return shares.some(
    (s) =>
      s.toDepartmentId === p.departmentId &&
      s.fromDepartmentId === cam.departmentId &&
      shareActive(s, now) &&
      shareGrantsAction(s, action) &&
      shareCovers(s, cam),
  );
}

/**
 * Whether p may read a clip export (its status, files and links): the principal that made it, or an admin, city-wide
 * or of the department the exporter acted for.
 */
export function canReadExport(
  p: Principal,
  e: { actorType: Principal['kind']; actorId: string; departmentId: number | null },
): boolean {
  if (e.actorType === p.kind && e.actorId === String(p.id)) return true;
  return p.role === 'admin' && (isCityAdmin(p) || (p.departmentId !== null && p.departmentId === e.departmentId));
}

/**
 * Footage of a camera that no longer exists (deleted; its segments stay until retention): only an admin,
 * city-wide or of the department it was recorded for, and without an area scope (its position is gone).
 */
export function canGoneFootage(p: Principal, action: 'playback' | 'export', departmentId: number | null): boolean {
  if (p.role !== 'admin' || p.area || !CAMERA_RIGHTS.admin.includes(action)) return false;
  return isCityAdmin(p) || (departmentId !== null && p.departmentId === departmentId);
}

/**
 * A fast visibility predicate for one principal, for use inside index scans: the shares are
 * pre-sorted by source department so each camera costs a map lookup, not a scan of all shares.
 */
export function visibilityPredicate(
  p: Principal,
  shares: readonly ShareGrant[],
  now: Date = new Date(),
): (cam: PolicyCamera) => boolean {
  if (!CAMERA_RIGHTS[p.role].includes('view') || !scopeAllows(p, 'view')) return () => false;
  const area = p.area;
  const inScope = area ? (c: PolicyCamera) => inArea(area, c.lng, c.lat) : () => true;
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
  if (!CAMERA_RIGHTS[p.role].includes('view') || !scopeAllows(p, 'view')) return [];
  if (isCityAdmin(p)) return null;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares) if (s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out];
}

/** A stable string naming everything that decides visibility for `p` (cluster cache key). */
export function visibilitySignature(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): string {
  if (!CAMERA_RIGHTS[p.role].includes('view') || !scopeAllows(p, 'view')) return 'none';
  const area = p.area ? JSON.stringify(p.area) : '';
  if (isCityAdmin(p)) return `all|${area}`;
  const ids = shares
    .filter((s) => s.toDepartmentId === p.departmentId && shareActive(s, now))
    .map((s) => s.id)
    .sort((a, b) => a - b);
  return `d${p.departmentId}|s${ids.join(',')}|${area}`;
}

/**
 * Whether `p`, reading an audit row it may read (departmentScope 'audit-read'), is shown the name of the
 * camera the row names. Whoever reads every department's rows (an auditor, whose work is to read who
 * watched what, and a city-wide admin) is shown every name in them, though an auditor still may not view
 * the cameras; a department admin only the names of cameras it may see now (own, or shared to it), so a
 * refused call on another department's camera does not reveal it.
 */
export function auditCameraNameVisible(
  p: Principal,
  cam: PolicyCamera,
  shares: readonly ShareGrant[],
  now: Date = new Date(),
): boolean {
  const scope = departmentScope(p, 'audit-read');
  if (scope === null) return false;
  return scope === 'all' || can(p, 'view', cam, shares, now);
}

/**
 * The departments every camera of which `p` may see: null for all of them (a city-wide admin without an area
 * scope), else its own and the sources of active whole-department ("all") shares to it; [] when it has an area
 * scope or may see no camera. A subset of visibleDepartments: cameras of these departments need no check one
 * by one (the camera tree counts them in the database).
 */
export function wholeDepartments(p: Principal, shares: readonly ShareGrant[], now: Date = new Date()): number[] | null {
  if (!CAMERA_RIGHTS[p.role].includes('view') || !scopeAllows(p, 'view') || p.area) return [];
  if (isCityAdmin(p)) return null;
  const out = new Set<number>();
  if (p.departmentId !== null) out.add(p.departmentId);
  for (const s of shares)
    if (s.kind === 'all' && s.toDepartmentId === p.departmentId && shareActive(s, now)) out.add(s.fromDepartmentId);
  return [...out];
}

/** An event source as the policy sees it: a department's sender of events. */
export interface PolicySource {
  id: number;
  name: string;
  departmentId: number;
}

/**
 * The principal an event source acts as: an integrator of its department (action 'post-event' per camera),
 * so a source may post events only for cameras and points its department may see (own, or shared to it).
 */
export function sourcePrincipal(s: PolicySource): Principal {
  return {
    kind: 'user',
    id: -s.id,
    name: `source:${s.name}`,
    role: 'integrator',
    departmentId: s.departmentId,
    area: null,
    scopes: [],
  };
}

/**
 * The principal a linkage rule chooses cameras as: an operator of the rule's department, so an alarm is given
 * only cameras its department may view (its own, or shared to it), whoever in the department later opens it.
 */
export function alarmPrincipal(rule: { id: number; name: string; departmentId: number }): Principal {
  return {
    kind: 'user',
    id: -rule.id,
    name: `alarm-rule:${rule.name}`,
    role: 'operator',
    departmentId: rule.departmentId,
    area: null,
    scopes: [],
  };
}

/**
 * What decides who may see an event: its camera when it has one (as the camera is now), else its point or
 * its own position with the department that owns it, as a camera without tags (so whole-department and
 * polygon shares reach it, tag and camera-list shares do not).
 */
export function eventSubject(
  e: { cameraId: string | null; departmentId: number; lng: number; lat: number },
  camera?: PolicyCamera,
): PolicyCamera {
  return (
    camera ?? {
      id: e.cameraId ? `gone:${e.cameraId}` : '',
      departmentId: e.departmentId,
      tags: [],
      lng: e.lng,
      lat: e.lat,
    }
  );
}
