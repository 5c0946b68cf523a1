// Embed tokens: the short-lived, revocable tokens an API key issues for one end user (stored hashed).
import type { Knex } from 'knex';
import type { CameraScopeInput, EmbedToken } from '../contract';
import type { CameraScope, EmbedAction } from '../auth/policy';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

export interface EmbedTokenRecord extends EmbedToken {
  prefix: string;
  tokenHash: string;
}

const fromRow = (r: Row): EmbedTokenRecord => ({
  id: Number(r.id),
  apiKeyId: Number(r.api_key_id),
  label: String(r.label),
  cameraScope: (r.camera_scope as CameraScopeInput) ?? {},
  actions: (r.actions as EmbedAction[]) ?? [],
  origins: (r.origins as string[]) ?? [],
  expiresAt: iso(r.expires_at),
  revokedAt: r.revoked_at == null ? null : iso(r.revoked_at),
  createdAt: iso(r.created_at),
  prefix: String(r.prefix),
  tokenHash: String(r.token_hash),
});

export const publicEmbedToken = ({ prefix: _p, tokenHash: _h, ...t }: EmbedTokenRecord): EmbedToken => t;

export class EmbedRepo {
  constructor(private readonly knex: Knex) {}

  async create(t: {
    apiKeyId: number;
    prefix: string;
    tokenHash: string;
    label: string;
    cameraScope: CameraScope;
    actions: readonly EmbedAction[];
    origins: readonly string[];
    expiresAt: Date;
  }): Promise<EmbedTokenRecord> {
    const [r] = (await this.knex('embed_tokens')
      .insert({
        api_key_id: t.apiKeyId,
        prefix: t.prefix,
        token_hash: t.tokenHash,
        label: t.label,
        camera_scope: JSON.stringify(t.cameraScope),
        actions: [...t.actions],
        origins: [...t.origins],
        expires_at: t.expiresAt,
      })
      .returning('*')) as Row[];
    return fromRow(r!);
  }

  async byPrefix(prefix: string): Promise<EmbedTokenRecord | null> {
    const r = (await this.knex('embed_tokens').where({ prefix }).first()) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  async byId(id: number): Promise<EmbedTokenRecord | null> {
    const r = (await this.knex('embed_tokens').where({ id }).first()) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Unrevoked, unexpired tokens of a key, newest first. */
  async activeOfKey(apiKeyId: number): Promise<EmbedTokenRecord[]> {
    const rows = (await this.knex('embed_tokens')
      .where({ api_key_id: apiKeyId })
      .whereNull('revoked_at')
      .where('expires_at', '>', this.knex.fn.now())
      .orderBy('id', 'desc')
      .limit(1000)) as Row[];
    return rows.map(fromRow);
  }

  /** The origins of every unrevoked, unexpired token (a widget there may read why it is refused). */
  async activeOrigins(): Promise<string[]> {
    const rows = (await this.knex('embed_tokens')
      .whereNull('revoked_at')
      .where('expires_at', '>', this.knex.fn.now())
      .distinct(this.knex.raw('unnest(origins) as origin'))) as Array<{ origin: string }>;
    return rows.map((r) => r.origin);
  }

  async revoke(id: number): Promise<EmbedTokenRecord | null> {
    const [r] = (await this.knex('embed_tokens')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() })
      .returning('*')) as Row[];
    return r ? fromRow(r) : null;
  }

  /** Revokes every unrevoked token of a key; returns how many. */
  async revokeOfKey(apiKeyId: number): Promise<number> {
    return this.knex('embed_tokens')
      .where({ api_key_id: apiKeyId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() });
  }
}
