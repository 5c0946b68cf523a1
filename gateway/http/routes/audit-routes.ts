// /audit: the audit log, for auditors and admins.
import { auditEntry, auditQuery, page } from '../../contract';
import type { AuditRepo } from '../../db/audit-repo';
import type { AccessControl } from '../../auth/access';
import { isCityAdmin } from '../../auth/policy';
import type { ApiRouter } from '../api-router';

export function registerAuditRoutes(api: ApiRouter, audit: AuditRepo, access: AccessControl): void {
  api.add({
    method: 'get', path: '/audit', tag: 'audit', roles: ['admin', 'auditor'], summary: 'Query the append-only audit log, newest first (department admins see their department)',
    query: auditQuery, response: page(auditEntry),
    handler: ({ principal, query }) => {
      access.assertDo(principal, 'audit-read');
      const { limit, cursor, ...f } = query;
      const scope = principal.role === 'admin' && !isCityAdmin(principal) && principal.departmentId !== null ? { departmentId: principal.departmentId } : {};
      return audit.query({ ...f, ...scope }, limit, cursor);
    },
  });
}
