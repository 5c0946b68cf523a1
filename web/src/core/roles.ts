// What each role is offered in the console, mirrored from the access policy (the server enforces; the UI only hides what would be refused).
import type { Action, Role } from '../../../gateway/contract';
import type { Me } from './api';
import type { MsgKey } from './messages';

export type Page = 'map' | 'wall' | 'cameras' | 'users' | 'api-keys' | 'shares' | 'discovery' | 'rules' | 'audit';

/**
 * Every role with its label, in the order the console lists them (the policy's ROLES order).
 * Keyed by the contract's Role, so a role added on the server fails the type-check until it is here.
 */
const ROLE_LABELS = {
  admin: 'role.admin',
  operator: 'role.operator',
  viewer: 'role.viewer',
  auditor: 'role.auditor',
  integrator: 'role.integrator',
} as const satisfies Record<Role, MsgKey>;

/** Every role, in the order the console lists them. */
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

export function roleLabel(role: Role): MsgKey {
  return ROLE_LABELS[role];
}

/**
 * For each server action, the roles whose users gateway/auth/policy.ts `permits` to take it, where
 * the console shows or hides something by it; null where the console offers nothing for the
 * action. Keyed by every action, so an action added on the server fails the type-check until it is
 * decided here; test/unit/console-roles.test.ts compares each list with `permits`.
 */
export const ROLES_FOR = {
  view: ['admin', 'operator', 'viewer', 'integrator'],
  snapshot: null,
  ptz: ['admin', 'operator'],
  edit: ['admin'],
  delete: null,
  share: null,
  resync: null,
  'post-event': null,
  playback: ['admin', 'operator', 'integrator'],
  export: ['admin', 'operator'],
  'camera-register': ['admin'],
  'camera-list': null,
  discover: ['admin', 'operator'],
  'audit-read': ['admin', 'auditor'],
  'user-manage': ['admin'],
  'apikey-manage': ['admin'],
  'share-read': null,
  'share-manage': ['admin'],
  'network-manage': null,
  'grid-read': null,
  'grid-manage': null,
  'department-read': null,
  'department-manage': null,
  'department-settings': null,
  'spatial-query': null,
  'event-read': ['admin', 'operator', 'viewer', 'integrator'],
  'event-source-manage': null,
  'alarm-read': ['admin', 'operator'],
  'alarm-handle': ['admin', 'operator'],
  'alarm-rule-manage': ['admin'],
  'wall-read': ['admin', 'operator', 'viewer'],
  'wall-drive': ['admin', 'operator'],
  'wall-manage': ['admin'],
  'wall-show': null,
  'embed-issue': null,
  'embed-revoke': null,
  'screen-pair': null,
  'event-ingest': null,
  session: null,
  'sign-in': null,
  'api-describe': null,
  'base-map-read': null,
} as const satisfies Record<Action, readonly Role[] | null>;

/** The actions the console shows or hides something by. */
export type ConsoleAction = { [A in Action]: (typeof ROLES_FOR)[A] extends null ? never : A }[Action];

/** Whether users of `role` may take `action` (as the policy's `permits` answers). */
export function allows(role: Role, action: ConsoleAction): boolean {
  return (ROLES_FOR[action] as readonly Role[]).includes(role);
}

/** The action each page stands for, in menu order (the camera registry edits cameras). */
export const PAGE_ACTIONS = {
  map: 'view',
  wall: 'wall-read',
  cameras: 'edit',
  users: 'user-manage',
  'api-keys': 'apikey-manage',
  shares: 'share-manage',
  discovery: 'discover',
  rules: 'alarm-rule-manage',
  audit: 'audit-read',
} as const satisfies Record<Page, ConsoleAction>;

export function pagesFor(me: Me): Page[] {
  return (Object.keys(PAGE_ACTIONS) as Page[]).filter((page) => allows(me.role, PAGE_ACTIONS[page]));
}

/** Whether the role may watch video (the policy gives auditors no camera action): gates every video control, the wall's included. */
export function canWatch(me: Me): boolean {
  return allows(me.role, 'view');
}

export function canPtz(me: Me): boolean {
  return allows(me.role, 'ptz');
}

/** Whether the role may register cameras (API, import, discovery), as the server's policy says. */
export function canRegisterCameras(me: Me): boolean {
  return allows(me.role, 'camera-register');
}

/**
 * Whether the user may move/rotate cameras of `departmentId`: a role that may edit, in the owning
 * department or city-wide. An area scope is left to the server.
 */
export function canEditCamera(me: Me, departmentId: number): boolean {
  return allows(me.role, 'edit') && (me.departmentId === null || me.departmentId === departmentId);
}
