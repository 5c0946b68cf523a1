// Users and API keys: listings, create/update, revoke, embed settings — policy-checked and audited.
import type { z } from 'zod';
import type { apiKeyCreate, apiKeyEmbedUpdate, userCreate, userUpdate, User, ApiKey } from '../contract';
import type { AccountsRepo } from '../db/accounts-repo';
import { publicApiKey, publicUser } from '../db/accounts-repo';
import type { OrgRepo } from '../db/org-repo';
import type { AuditRepo } from '../db/audit-repo';
import type { AccessControl } from '../auth/access';
import type { AuthService } from '../auth/auth-service';
import { newApiKey } from '../auth/auth-service';
import { hashPassword } from '../auth/passwords';
import { mayBeCityWide, type Principal } from '../auth/policy';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { actor, listingScope, requireDepartment } from './admin-checks';

export class AccountAdmin {
  constructor(
    private readonly org: OrgRepo,
    private readonly accounts: AccountsRepo,
    private readonly audit: AuditRepo,
    private readonly access: AccessControl,
    private readonly auth: AuthService,
  ) {}

  async users(p: Principal): Promise<User[]> {
    return (await this.accounts.users(listingScope(this.access, p, 'user-manage'))).map(publicUser);
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
    if (departmentId !== null) await requireDepartment(this.org, departmentId, 'body.departmentId');
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
    return (await this.accounts.apiKeys(listingScope(this.access, p, 'apikey-manage'))).map(publicApiKey);
  }

  async createApiKey(p: Principal, k: z.infer<typeof apiKeyCreate>, ip: string): Promise<ApiKey & { key: string }> {
    this.access.assertDo(p, 'apikey-manage');
    const departmentId = this.access.actingDepartment(p, k.departmentId);
    await requireDepartment(this.org, departmentId, 'body.departmentId');
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
}
