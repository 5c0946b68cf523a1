// Users, login sessions (refresh tokens) and API keys.
import type { Knex } from 'knex';
import type { ApiKey, CameraScopeInput, User } from '../contract';
import type { CameraScope, EmbedAction, Role } from '../auth/policy';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

export interface UserRecord extends User {
  passwordHash: string;
}
export interface ApiKeyRecord extends ApiKey {
  keyHash: string;
}

export const userFromRow = (r: Row): UserRecord => ({
  id: Number(r.id),
  username: String(r.username),
  displayName: String(r.display_name ?? ''),
  role: r.role as Role,
  departmentId: r.department_id == null ? null : Number(r.department_id),
  areaGridId: r.area_grid_id == null ? null : Number(r.area_grid_id),
  locale: String(r.locale ?? 'zh-CN'),
  disabled: Boolean(r.disabled),
  passwordHash: String(r.password_hash),
});

export const publicUser = ({ passwordHash: _h, ...u }: UserRecord): User => u;

export const apiKeyFromRow = (r: Row): ApiKeyRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  name: String(r.name),
  prefix: String(r.prefix),
  scopes: (r.scopes as string[]) ?? [],
  cameraScope: (r.camera_scope as CameraScopeInput) ?? {},
  embedActions: (r.embed_actions as EmbedAction[]) ?? [],
  origins: (r.origins as string[]) ?? [],
  createdAt: iso(r.created_at) ?? '',
  revokedAt: iso(r.revoked_at),
  lastUsedAt: iso(r.last_used_at),
  keyHash: String(r.key_hash),
});

export const publicApiKey = ({ keyHash: _h, ...k }: ApiKeyRecord): ApiKey => k;

export class AccountsRepo {
  constructor(private readonly knex: Knex) {}

  async userByName(username: string): Promise<UserRecord | null> {
    const r = (await this.knex('users').where({ username }).first()) as Row | undefined;
    return r ? userFromRow(r) : null;
  }
  async user(id: number): Promise<UserRecord | null> {
    const r = (await this.knex('users').where({ id }).first()) as Row | undefined;
    return r ? userFromRow(r) : null;
  }
  async users(departmentId?: number): Promise<UserRecord[]> {
    const q = this.knex('users').orderBy('id');
    if (departmentId !== undefined) q.where({ department_id: departmentId });
    return ((await q) as Row[]).map(userFromRow);
  }
  async createUser(u: {
    username: string;
    displayName: string;
    passwordHash: string;
    role: Role;
    departmentId: number | null;
    areaGridId: number | null;
    locale: string;
  }): Promise<UserRecord> {
    const [r] = (await this.knex('users')
      .insert({
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        role: u.role,
        department_id: u.departmentId,
        area_grid_id: u.areaGridId,
        locale: u.locale,
      })
      .returning('*')) as Row[];
    return userFromRow(r!);
  }
  async updateUser(
    id: number,
    u: Partial<{
      displayName: string;
      passwordHash: string;
      role: Role;
      departmentId: number | null;
      areaGridId: number | null;
      locale: string;
      disabled: boolean;
    }>,
  ): Promise<UserRecord | null> {
    const row: Row = {};
    if (u.displayName !== undefined) row.display_name = u.displayName;
    if (u.passwordHash !== undefined) row.password_hash = u.passwordHash;
    if (u.role !== undefined) row.role = u.role;
    if (u.departmentId !== undefined) row.department_id = u.departmentId;
    if (u.areaGridId !== undefined) row.area_grid_id = u.areaGridId;
    if (u.locale !== undefined) row.locale = u.locale;
    if (u.disabled !== undefined) row.disabled = u.disabled;
    if (Object.keys(row).length === 0) return this.user(id);
    const [r] = (await this.knex('users').where({ id }).update(row).returning('*')) as Row[];
    return r ? userFromRow(r) : null;
  }

  async createSession(s: { id: string; userId: number; refreshHash: string; expiresAt: Date }): Promise<void> {
    await this.knex('sessions').insert({
      id: s.id,
      user_id: s.userId,
      refresh_hash: s.refreshHash,
      expires_at: s.expiresAt,
    });
  }
  async session(
    id: string,
  ): Promise<{ id: string; userId: number; refreshHash: string; expiresAt: Date; revokedAt: Date | null } | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const r = (await this.knex('sessions').where({ id }).first()) as Row | undefined;
    return r
      ? {
          id: String(r.id),
          userId: Number(r.user_id),
          refreshHash: String(r.refresh_hash),
          expiresAt: r.expires_at as Date,
          revokedAt: (r.revoked_at as Date | null) ?? null,
        }
      : null;
  }
  async rotateSession(id: string, refreshHash: string, expiresAt: Date): Promise<void> {
    await this.knex('sessions').where({ id }).update({ refresh_hash: refreshHash, expires_at: expiresAt });
  }
  async revokeSession(id: string): Promise<void> {
    await this.knex('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: this.knex.fn.now() });
  }
  async revokedSessionIds(): Promise<string[]> {
    return (
      (await this.knex('sessions')
        .whereNotNull('revoked_at')
        .where('expires_at', '>', this.knex.fn.now())
        .select('id')) as Row[]
    ).map((r) => String(r.id));
  }

  async createApiKey(k: {
    departmentId: number;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: string[];
    cameraScope: CameraScope;
    embedActions: readonly EmbedAction[];
    origins: readonly string[];
    createdBy: number | null;
  }): Promise<ApiKeyRecord> {
    const [r] = (await this.knex('api_keys')
      .insert({
        department_id: k.departmentId,
        name: k.name,
        prefix: k.prefix,
        key_hash: k.keyHash,
        scopes: k.scopes,
        camera_scope: JSON.stringify(k.cameraScope),
        embed_actions: [...k.embedActions],
        origins: [...k.origins],
        created_by: k.createdBy,
      })
      .returning('*')) as Row[];
    return apiKeyFromRow(r!);
  }
  async apiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const r = (await this.knex('api_keys').where({ prefix }).first()) as Row | undefined;
    return r ? apiKeyFromRow(r) : null;
  }
  async apiKey(id: number): Promise<ApiKeyRecord | null> {
    const r = (await this.knex('api_keys').where({ id }).first()) as Row | undefined;
    return r ? apiKeyFromRow(r) : null;
  }
  async apiKeys(departmentId?: number): Promise<ApiKeyRecord[]> {
    const q = this.knex('api_keys').orderBy('id');
    if (departmentId !== undefined) q.where({ department_id: departmentId });
    return ((await q) as Row[]).map(apiKeyFromRow);
  }
  async revokeApiKey(id: number): Promise<ApiKeyRecord | null> {
    const [r] = (await this.knex('api_keys')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() })
      .returning('*')) as Row[];
    return r ? apiKeyFromRow(r) : null;
  }
  /** Changes an unrevoked key's embed settings (the fields given); null when there is no such key. */
  async updateApiKeyEmbed(
    id: number,
    u: { cameraScope?: CameraScope; embedActions?: readonly EmbedAction[]; origins?: readonly string[] },
  ): Promise<ApiKeyRecord | null> {
    const [r] = (await this.knex('api_keys')
      .where({ id })
      .whereNull('revoked_at')
      .update({
        ...(u.cameraScope ? { camera_scope: JSON.stringify(u.cameraScope) } : {}),
        ...(u.embedActions ? { embed_actions: [...new Set(u.embedActions)] } : {}),
        ...(u.origins ? { origins: [...new Set(u.origins)] } : {}),
      })
      .returning('*')) as Row[];
    return r ? apiKeyFromRow(r) : null;
  }
  /** The origins of every unrevoked API key (the origins the gateway answers cross-origin). */
  async apiKeyOrigins(): Promise<string[]> {
    const rows = (await this.knex('api_keys').whereNull('revoked_at').select('origins')) as Row[];
    return [...new Set(rows.flatMap((r) => (r.origins as string[]) ?? []))];
  }
  async touchApiKey(id: number): Promise<void> {
    await this.knex('api_keys').where({ id }).update({ last_used_at: this.knex.fn.now() });
  }
}
