// Department administration (policy-checked, audited): departments, networks, shares, grids; accounts in account-admin.
import type { z } from 'zod';
import type {
  apiKeyCreate,
  apiKeyEmbedUpdate,
  departmentCreate,
  gridCreate,
  networkCreate,
  ShareCreate,
  userCreate,
  userUpdate,
  Department,
  Grid,
  Network,
  Share,
  User,
  ApiKey,
} from '../contract';
import type { AccountsRepo } from '../db/accounts-repo';
import type { OrgRepo, NetworkRecord } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { AuthService } from '../auth/auth-service';
import type { CredentialBox } from '../auth/secrets';
import type { Principal } from '../auth/policy';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { AccountAdmin } from './account-admin';
import { actor, listingScope, requireDepartment } from './admin-checks';

const publicNetwork = ({ defaultCredentialsEnc: _c, ...n }: NetworkRecord): Network => n;

export class AdminService {
  private readonly gridListeners = new Set<() => Promise<void>>();
  private readonly accountAdmin: AccountAdmin;

  constructor(
    private readonly org: OrgRepo,
    accounts: AccountsRepo,
    private readonly audit: AuditRepo,
    private readonly access: AccessControl,
    private readonly auth: AuthService,
    private readonly box: CredentialBox,
  ) {
    this.accountAdmin = new AccountAdmin(org, accounts, audit, access, auth);
  }

  /** Subscribes to grid changes; a change's answer waits for every listener (the grid layer is current when it comes). */
  onGridsChange(fn: () => Promise<void>): () => void {
    this.gridListeners.add(fn);
    return () => this.gridListeners.delete(fn);
  }

  private async gridsChanged(): Promise<void> {
    await Promise.all([...this.gridListeners].map((l) => l()));
  }

  departments(): Promise<Department[]> {
    return this.org.departments();
  }

  async createDepartment(p: Principal, d: z.infer<typeof departmentCreate>, ip: string): Promise<Department> {
    this.access.assertDo(p, 'department-manage');
    const dep = await this.org.createDepartment(d);
    await this.audit.append({
      ...actor(p, ip),
      action: 'department.create',
      targetType: 'department',
      targetId: dep.id,
      detail: { code: dep.code },
    });
    return dep;
  }

  /** Names and settings (e.g. requireStreamReason): a city admin for any department, a department admin for its own. */
  async updateDepartment(
    p: Principal,
    id: number,
    d: Partial<Omit<Department, 'id' | 'code'>>,
    ip: string,
  ): Promise<Department> {
    if (!this.access.inDepartment(p, 'department-settings', id))
      throw new ForbiddenError(`auth: ${p.name} may not change department ${id}`);
    const dep = await this.org.updateDepartment(id, d);
    if (!dep) throw new NotFoundError(`department ${id} not found`);
    await this.audit.append({
      ...actor(p, ip),
      action: 'department.update',
      targetType: 'department',
      targetId: id,
      detail: { fields: Object.keys(d), settings: d.settings ?? null },
    });
    return dep;
  }

  async networks(p: Principal): Promise<Network[]> {
    return (await this.org.networks(listingScope(this.access, p, 'discover'))).map(publicNetwork);
  }

  async createNetwork(p: Principal, n: z.infer<typeof networkCreate>, ip: string): Promise<Network> {
    this.access.assertDo(p, 'network-manage');
    const departmentId = this.access.actingDepartment(p, n.departmentId);
    await requireDepartment(this.org, departmentId, 'body.departmentId');
    const net = await this.org.createNetwork({
      departmentId,
      name: n.name,
      interface: n.interface,
      cidrs: n.cidrs,
      hosts: n.hosts,
      defaultCredentialsEnc:
        n.username !== undefined || n.password !== undefined
          ? this.box.sealCredentials({ username: n.username ?? '', password: n.password ?? '' })
          : null,
    });
    await this.audit.append({
      ...actor(p, ip),
      action: 'network.create',
      targetType: 'network',
      targetId: net.id,
      detail: { name: net.name },
    });
    return publicNetwork(net);
  }

  users(p: Principal): Promise<User[]> {
    return this.accountAdmin.users(p);
  }

  createUser(p: Principal, u: z.infer<typeof userCreate>, ip: string): Promise<User> {
    return this.accountAdmin.createUser(p, u, ip);
  }

  updateUser(p: Principal, id: number, u: z.infer<typeof userUpdate>, ip: string): Promise<User> {
    return this.accountAdmin.updateUser(p, id, u, ip);
  }

  apiKeys(p: Principal): Promise<ApiKey[]> {
    return this.accountAdmin.apiKeys(p);
  }

  createApiKey(p: Principal, k: z.infer<typeof apiKeyCreate>, ip: string): Promise<ApiKey & { key: string }> {
    return this.accountAdmin.createApiKey(p, k, ip);
  }

  revokeApiKey(p: Principal, id: number, ip: string): Promise<ApiKey> {
    return this.accountAdmin.revokeApiKey(p, id, ip);
  }

  /** Changes API key `id`'s embed settings (camera scope, actions, origins); its tokens are narrowed at once. */
  updateApiKeyEmbed(p: Principal, id: number, u: z.infer<typeof apiKeyEmbedUpdate>, ip: string): Promise<ApiKey> {
    return this.accountAdmin.updateApiKeyEmbed(p, id, u, ip);
  }

  async shares(p: Principal): Promise<Share[]> {
    const departmentId = listingScope(this.access, p, 'share-read');
    return this.org.shares(departmentId === undefined ? {} : { departmentId });
  }

  async createShare(p: Principal, s: ShareCreate, ip: string): Promise<Share> {
    this.access.assertDo(p, 'share-manage');
    const from = this.access.actingDepartment(p, s.fromDepartmentId);
    await requireDepartment(this.org, from, 'body.fromDepartmentId');
    await requireDepartment(this.org, s.toDepartmentId, 'body.toDepartmentId');
    if (from === s.toDepartmentId)
      throw new ValidationError('share: a department cannot share with itself', [
        { path: 'body.toDepartmentId', message: 'same as the source department' },
      ]);
    if (s.expiresAt && new Date(s.expiresAt).getTime() <= Date.now())
      throw new ValidationError('share: expiry is in the past', [
        { path: 'body.expiresAt', message: 'must be in the future' },
      ]);
    const share = await this.org.createShare({
      fromDepartmentId: from,
      toDepartmentId: s.toDepartmentId,
      kind: s.kind,
      tags: s.tags,
      cameraIds: s.cameraIds,
      polygon: s.polygon,
      grants: s.grants,
      note: s.note,
      expiresAt: s.expiresAt,
      createdBy: p.kind === 'user' ? p.id : null,
    });
    await this.access.reload();
    await this.audit.append({
      ...actor(p, ip),
      action: 'share.create',
      targetType: 'share',
      targetId: share.id,
      detail: { to: share.toDepartmentId, kind: share.kind, grants: share.grants, expiresAt: share.expiresAt },
    });
    return share;
  }

  async revokeShare(p: Principal, id: number, ip: string): Promise<Share> {
    this.access.assertDo(p, 'share-manage');
    const s = await this.org.share(id);
    if (!s || !this.access.inDepartment(p, 'share-manage', s.fromDepartmentId))
      throw new NotFoundError(`share ${id} not found`);
    const done = (await this.org.revokeShare(id)) ?? s;
    await this.access.reload();
    await this.audit.append({ ...actor(p, ip), action: 'share.revoke', targetType: 'share', targetId: id });
    return done;
  }

  grids(kind?: string): Promise<Grid[]> {
    return this.org.grids(kind);
  }

  async createGrids(p: Principal, gs: Array<z.infer<typeof gridCreate>>, ip: string): Promise<Grid[]> {
    this.access.assertDo(p, 'grid-manage');
    const made = await this.org.createGrids(gs);
    await this.audit.append({
      ...actor(p, ip),
      action: 'grid.create',
      targetType: 'grid',
      detail: { count: made.length, ids: made.map((g) => g.id).slice(0, 50) },
    });
    await this.gridsChanged();
    return made;
  }

  async deleteGrid(p: Principal, id: number, ip: string): Promise<void> {
    this.access.assertDo(p, 'grid-manage');
    if (!(await this.org.deleteGrid(id))) throw new NotFoundError(`grid ${id} not found`);
    await this.audit.append({ ...actor(p, ip), action: 'grid.delete', targetType: 'grid', targetId: id });
    this.auth.invalidate();
    await this.gridsChanged();
  }
}
