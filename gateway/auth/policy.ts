// Access policy: the one pure module that answers every access question (route and socket gate, can per camera, department scopes). No I/O.
import type { Geometry } from 'geojson';
import { inArea } from './policy-area';
import type {
  Action,
  CameraAction,
  GlobalAction,
  PolicyCamera,
  Principal,
  PublicAction,
  Role,
  ShareGrant,
} from './policy-terms';
import { CAMERA_ACTIONS, PUBLIC_ACTIONS, ROLES } from './policy-terms';
import { embedCameraRights, embedMayDo, withinNarrowing } from './policy-embed';

export * from './policy-terms';
export { inArea } from './policy-area';
export * from './policy-embed';
export { alarmPrincipal, eventSubject, sourcePrincipal, type PolicySource } from './policy-subjects';
export {
  canEditTour,
  canEditView,
  canReadTour,
  canReadView,
  screenPrincipal,
  screenRoom,
  screenRooms,
  type PolicyScreen,
  type PolicyTour,
  type PolicyView,
} from './policy-wall';
export { scrapeDecision, type ScrapeAuth, type ScrapeCaller } from './policy-metrics';

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
    'wall-read',
    'wall-drive',
    'wall-manage',
    'embed-revoke',
  ],
  operator: [
    ...EVERYONE,
    'discover',
    'spatial-query',
    'event-read',
    'alarm-read',
    'alarm-handle',
    'wall-read',
    'wall-drive',
  ],
  viewer: [...EVERYONE, 'spatial-query', 'event-read', 'wall-read'],
  auditor: [...EVERYONE, 'audit-read', 'share-read'],
  integrator: [...EVERYONE, 'spatial-query', 'event-read', 'embed-issue', 'embed-revoke'],
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

/**
 * A wall screen (kind 'screen') acts only as a screen: it reads its own state and views the cameras put on it,
 * live, within what its department may see (it carries role viewer and its department). Nothing else.
 */
const SCREEN_ACTIONS: ReadonlySet<Action> = new Set<Action>(['wall-show', 'view']);

/** The camera actions p's role holds; an embed token's are those its actions grant, whatever its role. */
function cameraRights(p: Principal): readonly CameraAction[] {
  return p.embed ? embedCameraRights(p.embed.actions) : CAMERA_RIGHTS[p.role];
}

function scopeAllows(p: Principal, action: Action): boolean {
  if (p.kind === 'screen') return SCREEN_ACTIONS.has(action);
  if (p.kind === 'embed') return true;
  if (p.kind !== 'apikey') return true;
  const need = SCOPE_OF[action];
  return need === undefined || p.scopes.includes(need);
}

export function isCityAdmin(p: Principal): boolean {
  return p.role === 'admin' && p.departmentId === null;
}

/** Whether p may take a global action at all (its role, API key scope, and city-wide-only actions). */
export function canDo(p: Principal, action: GlobalAction): boolean {
  if (action === 'wall-show' || p.kind === 'screen') return p.kind === 'screen' && action === 'wall-show';
  if (p.kind === 'embed') return embedMayDo(action);
  // a key's own server trades it for embed tokens and revokes them; an integrator user never does
  if ((action === 'embed-issue' || (action === 'embed-revoke' && p.role === 'integrator')) && p.kind !== 'apikey')
    return false;
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
  if (isCameraAction(action)) return cameraRights(p).includes(action) && scopeAllows(p, action);
  return canDo(p, action);
}

/** True for the actions only a wall screen takes, with its own token (no role's users: `rolesFor` is empty). */
export function isScreenOnly(action: Action): boolean {
  return action === 'wall-show';
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

/** Whether p's role and scopes allow viewing cameras at all (before departments, shares and areas). */
export function mayViewAny(p: Principal): boolean {
  return cameraRights(p).includes('view') && scopeAllows(p, 'view');
}

export function shareActive(s: ShareGrant, now: Date): boolean {
  return s.revokedAt === null && (s.expiresAt === null || s.expiresAt.getTime() > now.getTime());
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
  if (!cameraRights(p).includes(action) || !scopeAllows(p, action)) return false;
  if (p.area && !inArea(p.area, cam.lng, cam.lat)) return false;
  if (!withinNarrowing(p, cam)) return false;
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
