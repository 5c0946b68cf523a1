// What each role is offered in the console (the server enforces; the UI only hides what would be refused).
import type { Me } from './api';

export type Page = 'map' | 'cameras' | 'users' | 'api-keys' | 'shares' | 'discovery' | 'audit';

const PAGES: Record<Me['role'], Page[]> = {
  admin: ['map', 'cameras', 'users', 'api-keys', 'shares', 'discovery', 'audit'],
  operator: ['map', 'discovery'],
  viewer: ['map'],
  auditor: ['audit'],
  integrator: ['map'],
};

export function pagesFor(me: Me): Page[] {
  return PAGES[me.role] ?? [];
}

/** Whether the role may watch video (the policy gives auditors no camera action): gates every video control, the wall's included. */
export function canWatch(me: Me): boolean {
  return me.role !== 'auditor';
}

export function canPtz(me: Me): boolean {
  return me.role === 'admin' || me.role === 'operator';
}

/** Whether the role may move/rotate cameras of `departmentId` (the owning department's admin, or a city admin). */
export function canEditCamera(me: Me, departmentId: number): boolean {
  return me.role === 'admin' && (me.departmentId === null || me.departmentId === departmentId);
}
