// What the administration services share: the audit actor, a listing's department scope, a department that must exist.
import type { Department } from '../contract';
import type { OrgRepo } from '../db/org-repo';
import type { AccessControl } from '../auth/access';
import type { GlobalAction, Principal } from '../auth/policy';
import { ForbiddenError, ValidationError } from '../errors';

export const actor = (p: Principal, ip: string) => ({
  actorType: p.kind,
  actorId: p.id,
  actorName: p.name,
  departmentId: p.departmentId,
  ip,
});

/** The department filter of a listing under `action` (undefined: every department); Forbidden when none. */
export function listingScope(access: AccessControl, p: Principal, action: GlobalAction): number | undefined {
  const scope = access.departmentScope(p, action);
  if (scope === null) throw new ForbiddenError(`auth: role ${p.role} may not ${action}`);
  return scope === 'all' ? undefined : scope;
}

export async function requireDepartment(org: OrgRepo, id: number, path: string): Promise<Department> {
  const d = await org.department(id);
  if (!d) throw new ValidationError(`department ${id} does not exist`, [{ path, message: `no department ${id}` }]);
  return d;
}
