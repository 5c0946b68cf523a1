// Access policy, the wall: the principal a wall screen acts as, its socket room, and who may read or change saved views.
import { inDepartment } from './policy';
import type { Principal } from './policy-terms';

/** A wall screen as the policy sees it. */
export interface PolicyScreen {
  id: number;
  name: string;
  departmentId: number;
}

/**
 * The principal a paired screen acts as: kind 'screen', a viewer of its department, so it may view live exactly the
 * cameras its department may see (own, or shared to it) and take no other action but 'wall-show' (policy `permits`).
 */
export function screenPrincipal(s: PolicyScreen): Principal {
  return {
    kind: 'screen',
    id: s.id,
    name: `screen:${s.name}`,
    role: 'viewer',
    departmentId: s.departmentId,
    area: null,
    scopes: [],
  };
}

/** The socket room of one screen: its own sockets join it, and its state goes to it. */
export function screenRoom(screenId: number): string {
  return `wall-show|screen:${screenId}`;
}

/** The rooms a socket of p joins as a screen ([] for anyone but a screen). */
export function screenRooms(p: Principal): string[] {
  return p.kind === 'screen' ? [screenRoom(p.id)] : [];
}

/** A saved view as the policy sees it: whose it is, its department, and whether the department may open it. */
export interface PolicyView {
  ownerId: number;
  departmentId: number;
  shared: boolean;
}

const owns = (p: Principal, v: PolicyView): boolean => p.kind === 'user' && p.id === v.ownerId;

/** Whether p may open (list, read, apply) a saved view: its own, or one shared in a department whose wall p may read. */
export function canReadView(p: Principal, v: PolicyView): boolean {
  if (!inDepartment(p, 'wall-read', v.departmentId)) return false;
  return owns(p, v) || v.shared;
}

/** Whether p may change or remove a saved view: its owner (still driving that wall), or an admin of the wall's department. */
export function canEditView(p: Principal, v: PolicyView): boolean {
  return (
    (owns(p, v) && inDepartment(p, 'wall-drive', v.departmentId)) || inDepartment(p, 'wall-manage', v.departmentId)
  );
}

/** A wall tour as the policy sees it: its department. */
export interface PolicyTour {
  departmentId: number;
}

/** Whether p may list and read a tour: the department's wall is p's to read. */
export function canReadTour(p: Principal, t: PolicyTour): boolean {
  return inDepartment(p, 'wall-read', t.departmentId);
}

/** Whether p may change or remove a tour, or start it on a screen of that wall: p drives the department's wall. */
export function canEditTour(p: Principal, t: PolicyTour): boolean {
  return inDepartment(p, 'wall-drive', t.departmentId);
}
