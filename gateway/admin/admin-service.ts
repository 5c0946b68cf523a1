// Department administration: departments, networks, users, API keys, share grants, grids — policy-checked and audited.
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
import { publicApiKey, publicUser } from '../db/accounts-repo';
import type { OrgRepo, NetworkRecord } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { AuthService } from '../auth/auth-service';
import { newApiKey } from '../auth/auth-service';
import type { CredentialBox } from '../auth/secrets';
import { hashPassword } from '../auth/passwords';
import { mayBeCityWide, type GlobalAction, type Principal } from '../auth/policy';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';

const actor = (p: Principal, ip: string) => ({
  actorType: p.kind,
  actorId: p.id,
  actorName: p.name,
  departmentId: p.departmentId,
  ip,
});
const publicNetwork = ({ defaultCredentialsEnc: _c, ...n }: NetworkRecord): Network => n;

export class AdminService {
  private readonly gridListeners = new Set<() => Promise<void>>();

  constructor(
    private readonly org: OrgRepo,
    private readonly accounts: AccountsRepo,
    private readonly audit: AuditRepo,
    private readonly access: AccessControl,
    private readonly auth: AuthService,
    private readonly box: CredentialBox,
  ) {}

  /** Subscribes to grid changes; a change's answer waits for every listener (the grid layer is current when it comes). */
  onGridsChange(fn: () => Promise<void>): () => void {
    this.gridListeners.add(fn);
    return () => this.gridListeners.delete(fn);
  }

  private async gridsChanged(): Promise<void> {
    await Promise.all([...this.gridListeners].map((l) => l()));
  }

  /** The department filter of a listing under `action` (undefined: every department); Forbidden when none. */
  private scope(p: Principal, action: GlobalAction): number | undefined {
    const scope = this.access.departmentScope(p, action);
    if (scope === null) throw new ForbiddenError(`auth: role ${p.role} may not ${action}`);
    return scope === 'all' ? undefined : scope;
  }

  private async requireDepartment(id: number, path: string): Promise<Department> {
    const d = await this.org.department(id);
    if (!d) throw new ValidationError(`department ${id} does not exist`, [{ path, message: `no department ${id}` }]);
    return d;
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
    return (await this.org.networks(this.scope(p, 'discover'))).map(publicNetwork);
  }

  async createNetwork(p: Principal, n: z.infer<typeof networkCreate>, ip: string): Promise<Network> {
    this.access.assertDo(p, 'network-manage');
    const departmentId = this.access.actingDepartment(p, n.departmentId);
    await this.requireDepartment(departmentId, 'body.departmentId');
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

  async users(p: Principal): Promise<User[]> {
    return (await this.accounts.users(this.scope(p, 'user-manage'))).map(publicUser);
  }

  async createUser(p: Principal, u: z.infer<typeof userCreate>, ip: string): Promise<User> {
    this.access.assertDo(p, 'user-manage');
    // a city-wide admin may create city-wide users; anyone else creates them in its own department
    const departmentId =
      this.access.departmentScope(p, 'user-manage') === 'all'
        ? (u.departmentId ?? null)
        : this.access.actingDepartment(p, u.departmentId);
    if (departmentId === null && !mayBeCityWide(u.role))
      throw new ValidationError('user: only admins and auditors may have no department', [
        { path: 'body.departmentId', message: 'required for this role' },
      ]);
    if (departmentId !== null) await this.requireDepartment(departmentId, 'body.departmentId');
    if (u.areaGridId != null && !(await this.org.grid(u.areaGridId)))
      throw new ValidationError('user: area grid not found', [
        { path: 'body.areaGridId', message: `no grid ${u.areaGridId}` },
      ]);
    const rec = await this.accounts.createUser({
      username: u.username,
      displayName: u.displayName,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      departmentId,
      areaGridId: u.areaGridId ?? null,
      locale: u.locale,
    });
    await this.audit.append({
      ...actor(p, ip),
      action: 'user.create',
      targetType: 'user',
      targetId: rec.id,
      detail: { username: rec.username, role: rec.role, departmentId },
    });
    return publicUser(rec);
  }

  async updateUser(p: Principal, id: number, u: z.infer<typeof userUpdate>, ip: string): Promise<User> {
    this.access.assertDo(p, 'user-manage');
    const existing = await this.accounts.user(id);
    if (!existing || !this.access.inDepartment(p, 'user-manage', existing.departmentId))
      throw new NotFoundError(`user ${id} not found`);
    if (u.departmentId !== undefined && !this.access.inDepartment(p, 'user-manage', u.departmentId))
      throw new ForbiddenError('auth: may not move a user to another department');
    const { password, ...rest } = u;
    const rec = await this.accounts.updateUser(id, {
      ...rest,
      ...(password ? { passwordHash: await hashPassword(password) } : {}),
    });
    if (!rec) throw new NotFoundError(`user ${id} not found`);
    this.auth.invalidate();
    await this.audit.append({
      ...actor(p, ip),
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      detail: { fields: Object.keys(u) },
    });
    return publicUser(rec);
  }

  async apiKeys(p: Principal): Promise<ApiKey[]> {
    return (await this.accounts.apiKeys(this.scope(p, 'apikey-manage'))).map(publicApiKey);
  }

  async createApiKey(p: Principal, k: z.infer<typeof apiKeyCreate>, ip: string): Promise<ApiKey & { key: string }> {
    this.access.assertDo(p, 'apikey-manage');
    const departmentId = this.access.actingDepartment(p, k.departmentId);
    await this.requireDepartment(departmentId, 'body.departmentId');
    const made = newApiKey();
    const rec = await this.accounts.createApiKey({
      departmentId,
      name: k.name,
      prefix: made.prefix,
      keyHash: made.hash,
      scopes: k.scopes,
      cameraScope: k.cameraScope,
      embedActions: k.embedActions,
      origins: k.origins,
      createdBy: p.kind === 'user' ? p.id : null,
    });
    this.auth.invalidate();
    await this.audit.append({
      ...actor(p, ip),
      action: 'apikey.create',
      targetType: 'apikey',
      targetId: rec.id,
      detail: { name: rec.name },
    });
    return { ...publicApiKey(rec), key: made.key };
  }

  async revokeApiKey(p: Principal, id: number, ip: string): Promise<ApiKey> {
    this.access.assertDo(p, 'apikey-manage');
    const rec = await this.accounts.apiKey(id);
    if (!rec || !this.access.inDepartment(p, 'apikey-manage', rec.departmentId))
      throw new NotFoundError(`API key ${id} not found`);
    const done = (await this.accounts.revokeApiKey(id)) ?? rec;
    this.auth.invalidate();
    await this.audit.append({ ...actor(p, ip), action: 'apikey.revoke', targetType: 'apikey', targetId: id });
    return publicApiKey(done);
  }

  /** Changes API key `id`'s embed settings (camera scope, actions, origins); its tokens are narrowed at once. */
  async updateApiKeyEmbed(p: Principal, id: number, u: z.infer<typeof apiKeyEmbedUpdate>, ip: string): Promise<ApiKey> {
    this.access.assertDo(p, 'apikey-manage');
    const rec = await this.accounts.apiKey(id);
    if (!rec || !this.access.inDepartment(p, 'apikey-manage', rec.departmentId))
      throw new NotFoundError(`API key ${id} not found`);
    const done = await this.accounts.updateApiKeyEmbed(id, u);
    if (!done) throw new ValidationError(`API key ${id} has been revoked`, [{ path: 'params.id', message: 'revoked' }]);
    // cached principals and the CORS origins are read again: a removed origin or camera is refused from now on
    this.auth.invalidate();
    await this.audit.append({
      ...actor(p, ip),
      action: 'apikey.update',
      targetType: 'apikey',
      targetId: id,
      detail: { fields: Object.keys(u), embedActions: done.embedActions, origins: done.origins },
    });
    return publicApiKey(done);
  }

  async shares(p: Principal): Promise<Share[]> {
    const departmentId = this.scope(p, 'share-read');
    return this.org.shares(departmentId === undefined ? {} : { departmentId });
  }

  async createShare(p: Principal, s: ShareCreate, ip: string): Promise<Share> {
    this.access.assertDo(p, 'share-manage');
    const from = this.access.actingDepartment(p, s.fromDepartmentId);
    await this.requireDepartment(from, 'body.fromDepartmentId');
    await this.requireDepartment(s.toDepartmentId, 'body.toDepartmentId');
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
