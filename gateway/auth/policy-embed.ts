// Access policy for API-key scopes and embed tokens: camera scopes, embed actions, origins, and the narrowed subject.
// Pure, no I/O.
import type { MultiPolygon, Polygon } from 'geojson';
import { inArea } from './policy-area';
import type { CameraAction, GlobalAction, PolicyCamera, Principal } from './policy-terms';

/**
 * Which cameras a scope admits: each criterion given (non-empty) must hold, any value of it may match
 * (departments: the camera's; tags: any of the camera's; cameraIds: the camera's id; area: its position).
 * An empty scope ({}) admits every camera.
 */
export interface CameraScope {
  departments?: readonly number[];
  tags?: readonly string[];
  cameraIds?: readonly string[];
  area?: Polygon | MultiPolygon | null;
}

/** What an integrator's key may let an embed token do with a camera: live video, recorded footage, PTZ. */
export const EMBED_ACTIONS = ['live', 'playback', 'ptz'] as const;
export type EmbedAction = (typeof EMBED_ACTIONS)[number];

/** The camera actions each embed action grants. */
const EMBED_RIGHTS: Record<EmbedAction, readonly CameraAction[]> = {
  live: ['view', 'snapshot'],
  playback: ['playback'],
  ptz: ['ptz'],
};

/**
 * The global actions an embed token may take: list its cameras, ask the spatial index (map, search,
 * "which cameras see this point"), read the grids and departments a map names, and its own session.
 */
const EMBED_GLOBAL: ReadonlySet<GlobalAction> = new Set<GlobalAction>([
  'camera-list',
  'spatial-query',
  'grid-read',
  'department-read',
  'session',
]);

/** What an embed token adds to its principal: who asked, for whom, and what it may do from where. */
export interface EmbedGrant {
  tokenId: number;
  keyId: number;
  /** The end user the integrator names, written to every audit entry of the token. */
  label: string;
  actions: readonly EmbedAction[];
  /** Browser origins ("https://host[:port]") the token may be used from. */
  origins: readonly string[];
  /** When the token lapses (ISO 8601). */
  expiresAt: string;
}

/** Whether `scope` admits `cam`. */
export function inCameraScope(scope: CameraScope, cam: PolicyCamera): boolean {
  if (scope.departments?.length && !scope.departments.includes(cam.departmentId)) return false;
  if (scope.cameraIds?.length && !scope.cameraIds.includes(cam.id)) return false;
  if (scope.tags?.length && !scope.tags.some((t) => cam.tags.includes(t))) return false;
  return !scope.area || inArea(scope.area, cam.lng, cam.lat);
}

/** True when the scope has no criterion (admits every camera). */
export function scopeIsEmpty(s: CameraScope): boolean {
  return !s.departments?.length && !s.tags?.length && !s.cameraIds?.length && !s.area;
}

/** Whether every scope narrowing `p` (an API key's, an embed token's) admits `cam`; true for principals without any. */
export function withinNarrowing(p: Principal, cam: PolicyCamera): boolean {
  if (!p.narrow) return true;
  for (const s of p.narrow) if (!inCameraScope(s, cam)) return false;
  return true;
}

/** p's narrowing scopes with a criterion ([] when none narrows it). */
export function narrowingOf(p: Principal): readonly CameraScope[] {
  return p.narrow?.filter((s) => !scopeIsEmpty(s)) ?? [];
}

/** Departments a narrowing admits (null: any): the intersection of the scopes' department lists. */
export function narrowedDepartments(p: Principal): number[] | null {
  let out: number[] | null = null;
  for (const s of p.narrow ?? []) {
    if (!s.departments?.length) continue;
    out = out === null ? [...s.departments] : out.filter((d) => s.departments!.includes(d));
  }
  return out;
}

/** The camera actions an embed token's actions grant. */
export function embedCameraRights(actions: readonly EmbedAction[]): CameraAction[] {
  return [...new Set(actions.flatMap((a) => EMBED_RIGHTS[a]))];
}

/** Whether an embed token's principal may take global action `action`. */
export function embedMayDo(action: GlobalAction): boolean {
  return EMBED_GLOBAL.has(action);
}

/**
 * May a request from `origin` use embed principal `p`? Yes when it carries no Origin (a server, or the
 * gateway's own embed page fetching without one), when the Origin is the gateway's own host, or when the
 * token was issued for it. Principals other than embed tokens are not bound to origins here.
 */
export function embedOriginAllowed(p: Principal, origin: string | undefined, ownHost: string | undefined): boolean {
  if (!p.embed || origin === undefined) return true;
  if (p.embed.origins.includes(origin)) return true;
  try {
    return ownHost !== undefined && new URL(origin).host === ownHost;
  } catch {
    return false;
  }
}

/** What an API key offers its embed tokens (its record's scope, actions and origins). */
export interface EmbedOffer {
  scope: CameraScope;
  actions: readonly EmbedAction[];
  origins: readonly string[];
}

/**
 * Why a key may not issue a token asking for `want` (null: it may). Actions and origins must be among
 * the key's; the camera scope is intersected with the key's wherever it is used, so it is not refused here.
 */
export function embedRefusal(
  key: EmbedOffer,
  want: { actions: readonly EmbedAction[]; origins: readonly string[] },
): string | null {
  if (key.origins.length === 0) return 'the API key allows no origins: it cannot issue embed tokens';
  const action = want.actions.find((a) => !key.actions.includes(a));
  if (action) return `the API key does not allow the action ${JSON.stringify(action)}`;
  const origin = want.origins.find((o) => !key.origins.includes(o));
  if (origin) return `the API key does not allow the origin ${JSON.stringify(origin)}`;
  return null;
}
