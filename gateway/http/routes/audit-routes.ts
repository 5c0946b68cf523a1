// /audit: the audit log, for auditors and admins, with the names of what each row refers to.
import { auditEntry, auditQuery, page } from '../../contract';
import type { AuditReader } from '../../admin/audit-reader';
import type { ApiRouter } from '../api-router';

export function registerAuditRoutes(api: ApiRouter, audit: AuditReader): void {
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'audit',
    action: 'audit-read',
    summary:
      "Query the append-only audit log, newest first (department admins see their department's rows). Each row carries targetName " +
      '(the camera, user, network, API key or grid it names, when the reader may be shown it) and actorDisplayName.',
    query: auditQuery,
    response: page(auditEntry),
    handler: ({ principal, query }) => {
      const { limit, cursor, ...f } = query;
      return audit.page(principal, f, limit, cursor);
    },
  });
}
