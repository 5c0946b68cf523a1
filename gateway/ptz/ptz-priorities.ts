// The users' own PTZ priorities: set by whoever manages users of their department, audited.
import type { Principal } from '../auth/policy-terms';
import type { AuditWrite } from '../db/audit-repo';
import { NotFoundError } from '../errors';

export interface PtzPriorityDeps {
  /** The user's department (null: city-wide), or undefined when there is no such user. */
  userDepartment(id: number): Promise<number | null | undefined>;
  setUserPriority(id: number, priority: number | null): Promise<boolean>;
  /** policy.inDepartment for 'user-manage'. */
  mayManage(p: Principal, departmentId: number | null): boolean;
  audit(w: AuditWrite): Promise<void>;
}

/** Sets user `id`'s own PTZ priority (null: its role's); a user p may not manage is 404 (not revealed). */
export async function setUserPtzPriority(
  d: PtzPriorityDeps,
  p: Principal,
  id: number,
  priority: number | null,
  ip: string,
): Promise<void> {
  const dept = await d.userDepartment(id);
  if (dept === undefined || !d.mayManage(p, dept) || !(await d.setUserPriority(id, priority)))
    throw new NotFoundError(`user ${id} not found`);
  await d.audit({
    actorType: p.kind,
    actorId: p.id,
    actorName: p.name,
    departmentId: p.departmentId,
    ip,
    action: 'user.update',
    targetType: 'user',
    targetId: id,
    detail: { fields: ['ptzPriority'], ptzPriority: priority },
  });
}
