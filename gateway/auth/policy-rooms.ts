// Access policy as socket.io rooms: the rooms a principal's socket joins, and the rooms an event goes to. Pure; no I/O.
import type { MultiPolygon, Polygon } from 'geojson';
import {
  departmentScope,
  inArea,
  isCityAdmin,
  permits,
  shareActive,
  shareGrantsAction,
  sharesGrant,
  type CameraAction,
  type GlobalAction,
  type PolicyCamera,
  type Principal,
  type ShareGrant,
} from './policy';
import { inCameraScope, narrowingOf, type CameraScope } from './policy-embed';

/** A principal's area scope. */
export type Area = Polygon | MultiPolygon;

/** A principal's area scope together with the camera scopes narrowing it (API key, embed token). */
export interface NarrowScope {
  area: Area | null;
  narrow: readonly CameraScope[];
}

/**
 * What confines p's rooms to the cameras inside it: its area (an Area) when only that, a NarrowScope when
 * camera scopes narrow it too, null when nothing does. Interned by the hub like an area (its JSON).
 */
export function roomScopeOf(p: Principal): Area | NarrowScope | null {
  const narrow = narrowingOf(p);
  if (narrow.length === 0) return p.area;
  return { area: p.area, narrow };
}

/** Whether `cam` lies inside a room scope. */
function inRoomScope(scope: Area | NarrowScope, cam: PolicyCamera): boolean {
  if ('type' in scope) return inArea(scope, cam.lng, cam.lat);
  if (scope.area && !inArea(scope.area, cam.lng, cam.lat)) return false;
  return scope.narrow.every((s) => inCameraScope(s, cam));
}

/*
 * Room names for camera action A, one per kind of grant; a principal joins the rooms of its grants
 * and an event about a camera goes to the rooms of the grants that cover the camera, so the two
 * meet exactly when `can(p, A, cam)` (test/unit/policy-rooms.test.ts checks this against `can`):
 *   A|*               every camera (a city-wide admin)
 *   A|d:<dept>        a department's cameras (its own members; an 'all' share)
 *   A|t:<dept>:<tag>  a department's cameras with a tag (a tag share)
 *   A|c:<dept>:<id>   one camera (a list share)
 *   A|s:<shareId>     a polygon share: its geometry is tested per camera when an event goes out
 * An area-scoped principal joins the same names under A|a:<areaKey>|…, and an event goes to them
 * for each area (of the `areas` given) that contains its camera. Variable parts come last, so no
 * two grants share a name.
 */

const areaPart = (key: string): string => `a:${key}|`;

/**
 * The rooms p's socket joins to receive events that need camera action `action`, for the shares
 * active at `now`. `areaKey` names p.area in room names (default: the area's JSON); the caller
 * passes the same name as the key of that area in `cameraRooms`' `areas`. [] when p may see nothing.
 */
export function principalRooms(
  p: Principal,
  action: CameraAction,
  shares: readonly ShareGrant[],
  now: Date,
  areaKey?: string,
): string[] {
  if (!permits(p, action)) return [];
  const scope = roomScopeOf(p);
  const prefix = `${action}|${scope ? areaPart(areaKey ?? JSON.stringify(scope)) : ''}`;
  if (isCityAdmin(p)) return [`${prefix}*`];
  if (p.departmentId === null) return [];
  const rooms = new Set([`${prefix}d:${p.departmentId}`]);
  if (!sharesGrant(action)) return [...rooms];
  for (const s of shares) {
    if (s.toDepartmentId !== p.departmentId || !shareActive(s, now) || !shareGrantsAction(s, action)) continue;
    const from = s.fromDepartmentId;
    if (s.kind === 'all') rooms.add(`${prefix}d:${from}`);
    else if (s.kind === 'tags') for (const t of s.tags) rooms.add(`${prefix}t:${from}:${t}`);
    else if (s.kind === 'cameras') for (const id of s.cameraIds) rooms.add(`${prefix}c:${from}:${id}`);
    else if (s.polygon) rooms.add(`${prefix}s:${s.id}`);
  }
  return [...rooms];
}

/**
 * The rooms an event about `cam` that needs camera action `action` goes to, for the shares active
 * at `now` and the area scopes in `areas` (key → area; only the areas of connected principals need
 * be given). Never empty.
 */
export function cameraRooms(
  action: CameraAction,
  cam: PolicyCamera,
  shares: readonly ShareGrant[],
  now: Date,
  areas: ReadonlyMap<string, Area | NarrowScope>,
): string[] {
  const d = cam.departmentId;
  const grants = ['*', `d:${d}`, `c:${d}:${cam.id}`, ...cam.tags.map((t) => `t:${d}:${t}`)];
  if (sharesGrant(action))
    for (const s of shares)
      if (
        s.kind === 'polygon' &&
        s.fromDepartmentId === d &&
        s.polygon &&
        shareActive(s, now) &&
        shareGrantsAction(s, action) &&
        inArea(s.polygon, cam.lng, cam.lat)
      )
        grants.push(`s:${s.id}`);
  const out = grants.map((g) => `${action}|${g}`);
  for (const [key, area] of areas)
    if (inRoomScope(area, cam)) for (const g of grants) out.push(`${action}|${areaPart(key)}${g}`);
  return out;
}

/** The rooms p's socket joins for the records of global action `action` (by policy.departmentScope). */
export function scopeRooms(action: GlobalAction, scope: ReturnType<typeof departmentScope>): string[] {
  if (scope === null) return [];
  return [scope === 'all' ? `${action}|*` : `${action}|d:${scope}`];
}

/** The rooms an event about department `departmentId`'s records of global action `action` goes to. */
export function recordRooms(action: GlobalAction, departmentId: number): string[] {
  return [`${action}|*`, `${action}|d:${departmentId}`];
}

/**
 * Epoch ms of the first share expiry after `now` (Infinity: none): rooms computed at `now` stay
 * right until then, or until the share list changes.
 */
export function roomsValidUntil(shares: readonly ShareGrant[], now: Date): number {
  let until = Infinity;
  for (const s of shares) {
    const end = s.expiresAt?.getTime();
    if (end !== undefined && end > now.getTime() && end < until) until = end;
  }
  return until;
}
