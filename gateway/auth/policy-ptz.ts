// Access policy for PTZ control: a principal's priority, and whether it may take a camera from its holder. Pure; no I/O.
import type { Principal, Role } from './policy-terms';

/** Highest PTZ priority (Milestone's range is 1–32,000; the same here). */
export const MAX_PTZ_PRIORITY = 32000;

/** Who holds a camera's PTZ now. */
export interface PtzHolder {
  kind: Principal['kind'];
  id: number;
  name: string;
  priority: number;
  /** Control lapses at this time (ms since epoch) unless a command renews it. */
  until: number;
}

/**
 * p's PTZ priority: the user's own override when set, else its role's default (`byRole`, from
 * config `ptz.priorities`), 0 for a role without one (it can never take control from anyone).
 */
export function ptzPriority(p: Principal, byRole: Partial<Record<Role, number>>, override: number | null): number {
  if (override !== null && p.kind === 'user') return override;
  return byRole[p.role] ?? 0;
}

/** Whether `holder` is principal p. */
export const holds = (p: Principal, holder: PtzHolder): boolean => holder.kind === p.kind && holder.id === p.id;

/**
 * May p (at `priority`) take control of a camera from `holder` at `now`: always when nobody holds it,
 * its control lapsed or p holds it already; otherwise only with a strictly higher priority (an equal
 * one does not take control from whoever came first).
 */
export function mayTakePtz(p: Principal, priority: number, holder: PtzHolder | null, now: number): boolean {
  if (!holder || holder.until <= now || holds(p, holder)) return true;
  return priority > holder.priority;
}
