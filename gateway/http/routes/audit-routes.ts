// /audit: the audit log, for auditors and admins.
import { auditEntry, auditQuery, page } from '../../contract';
import type { AuditRepo } from '../../db/audit-repo';
import type { AccessControl } from '../../auth/access';
import { ForbiddenError } from '../../errors';
import type { ApiRouter } from '../api-router';

export function registerAuditRoutes(api: ApiRouter, audit: AuditRepo, access: AccessControl): void {
  api.add({
    method: 'get', path: '/audit', tag: 'audit', action: 'audit-read', summary: 'Query the append-only audit log, newest first (department admins see their department)',
    query: auditQuery, response: page(auditEntry),
    handler: ({ principal, query }) => {
      const { limit, cursor, ...f } = query;
      const scope = access.departmentScope(principal, 'audit-read');
      if (scope === null) throw new ForbiddenError(`auth: role ${principal.role} may not audit-read`);
      return audit.query({ ...f, ...(scope === 'all' ? {} : { departmentId: scope }) }, limit, cursor);
    },
  });
}
