// Reading the audit log: the rows a principal may read (policy.departmentScope), with the names of what they refer to.
import type { AuditEntry } from '../contract';
import type { AuditCamera, AuditNames } from '../db/audit-repo';
import type { Principal } from '../auth/policy';
import { ForbiddenError } from '../errors';

/** The audit store as the reader uses it. */
export interface AuditStore {
  query(
    f: AuditFilter & { departmentId?: number },
    limit: number,
    cursor?: string,
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
  names(entries: readonly AuditEntry[]): Promise<AuditNames>;
}

/** Whose rows a principal reads, and which camera names it is shown in them (AccessControl). */
export interface AuditNamePolicy {
  departmentScope(p: Principal, action: 'audit-read'): 'all' | number | null;
  auditCameraName(p: Principal, cam: AuditCamera): boolean;
}

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export class AuditReader {
  constructor(
    private readonly store: AuditStore,
    private readonly policy: AuditNamePolicy,
  ) {}

  /** A page of the rows `p` may read, newest first, each with targetName and actorDisplayName filled where allowed. */
  async page(
    p: Principal,
    f: AuditFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const scope = this.policy.departmentScope(p, 'audit-read');
    if (scope === null) throw new ForbiddenError(`auth: role ${p.role} may not audit-read`);
    const page = await this.store.query(scope === 'all' ? f : { ...f, departmentId: scope }, limit, cursor);
    const names = await this.store.names(page.items);
    return {
      ...page,
      items: page.items.map((e) => ({
        ...e,
        targetName: this.targetName(p, e, names),
        actorDisplayName: this.actorName(e, names),
      })),
    };
  }

  private targetName(p: Principal, e: AuditEntry, names: AuditNames): string | null {
    const id = e.targetId ?? '';
    switch (e.targetType) {
      case 'camera': {
        const cam = names.cameras.get(id);
        if (cam) return this.policy.auditCameraName(p, cam) ? cam.name : null;
        // a camera since deleted: its rows of creation and deletion carry the name they were written with
        return typeof e.detail.name === 'string' ? e.detail.name : null;
      }
      case 'user': {
        const u = names.users.get(id);
        return u ? u.displayName || u.username : typeof e.detail.username === 'string' ? e.detail.username : null;
      }
      case 'network':
        return names.networks.get(id) ?? (typeof e.detail.name === 'string' ? e.detail.name : null);
      case 'apikey':
        return names.apikeys.get(id) ?? (typeof e.detail.name === 'string' ? e.detail.name : null);
      case 'grid':
        return names.grids.get(id) ?? null;
      default:
        return null;
    }
  }

  private actorName(e: AuditEntry, names: AuditNames): string | null {
    if (e.actorType !== 'user' || !e.actorId) return null;
    const u = names.users.get(e.actorId);
    return u && u.displayName && u.displayName !== u.username ? u.displayName : null;
  }
}
