// Access policy, its terms: roles, actions, principals, shares and cameras as every access decision names them.
import type { MultiPolygon, Polygon } from 'geojson';
import type { CameraScope, EmbedGrant } from './policy-embed';

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
  /** See a department's wall: its screens, their panes, and the saved views one may open. */
  'wall-read',
  /** Drive a department's wall: put cameras on panes, clear panes, set layouts, apply views; keep saved views. */
  'wall-drive',
  /** Register, change and remove a department's wall screens and issue their pairing secrets. */
  'wall-manage',
  /** What a wall screen does with its own credential: read its state and follow its pushes. Screens only. */
  'wall-show',
  /** Exchange an API key for an embed token (API keys only, from their integrator's server). */
  'embed-issue',
  /** Revoke embed tokens: the key's own, or, for an admin, those of its department's keys. */
  'embed-revoke',
  'session',
] as const;
export type GlobalAction = (typeof GLOBAL_ACTIONS)[number];

/**
 * Actions anyone may take without credentials: signing in, reading the API's own description, base-map tiles,
 * and posting to an event source's webhook, whose credential is the source's HMAC signature (checked by the
 * event service), and whose events are then checked per camera and point by `sourcePrincipal`; and a wall screen's
 * pairing, whose credential is the one-time pairing secret an admin was given (checked by the screen credentials).
 */
export const PUBLIC_ACTIONS = ['sign-in', 'api-describe', 'base-map-read', 'event-ingest', 'screen-pair'] as const;
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
  /**
   * 'screen': a wall screen with its own credential (role viewer, its department; see policy `permits`).
   * 'embed': an embed token, narrowed from the API key that issued it (`embed`, `narrow`; policy-embed.ts).
   */
  kind: 'user' | 'apikey' | 'screen' | 'embed';
  id: number;
  name: string;
  role: Role;
  /** null only for a city-wide admin */
  departmentId: number | null;
  /** Optional area scope: the principal sees only cameras inside it. */
  area: Polygon | MultiPolygon | null;
  /** API key scopes (empty for users). */
  scopes: string[];
  /** Camera scopes that must all admit a camera (an API key's scope; an embed token's and its key's). */
  narrow?: readonly CameraScope[];
  /** Present on embed tokens only: their actions, origins and end-user label. */
  embed?: EmbedGrant;
}

const KEY_LETTER: Record<Principal['kind'], string> = { user: 'u', screen: 's', apikey: 'k', embed: 'e' };

/** A principal as the subject of a token or a cache key: "u:<userId>", "k:<apiKeyId>", "s:<screenId>", "e:<embedId>". */
export function principalKey(p: Pick<Principal, 'kind' | 'id'>): string {
  return `${KEY_LETTER[p.kind]}:${p.id}`;
}

export interface PolicyCamera {
  id: string;
  departmentId: number;
  tags: readonly string[];
  lng: number;
  lat: number;
}
