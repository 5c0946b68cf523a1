// Event sources (webhook, MQTT, ONVIF; sealed secrets) and checkpoints/alarm points with their positions.
import type { Knex } from 'knex';

export type SourceKind = 'webhook' | 'mqtt' | 'onvif';

export interface EventSourceRecord {
  id: number;
  departmentId: number;
  name: string;
  kind: SourceKind;
  /** Payload format: cloudeye | hikvision-anpr | hikvision-axpro | axis-event. */
  format: string;
  /** Sealed webhook secret (CredentialBox). */
  secretEnc: string | null;
  /** mqtt: { url, topics, qos, clientId }; onvif: { cameraIds }. */
  settings: Record<string, unknown>;
  /** Sealed broker credentials (CredentialBox.sealCredentials). */
  credentialsEnc: string | null;
  enabled: boolean;
  createdAt: string;
}

export interface EventPointRecord {
  id: number;
  departmentId: number;
  kind: 'checkpoint' | 'alarm-point';
  code: string;
  name: string;
  lng: number;
  lat: number;
}

type Row = Record<string, unknown>;
const sourceFromRow = (r: Row): EventSourceRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  name: String(r.name),
  kind: r.kind as SourceKind,
  format: String(r.format),
  secretEnc: (r.secret_enc as string | null) ?? null,
  settings: (r.settings as Record<string, unknown>) ?? {},
  credentialsEnc: (r.credentials_enc as string | null) ?? null,
  enabled: Boolean(r.enabled),
  createdAt: (r.created_at as Date).toISOString(),
});
const pointFromRow = (r: Row): EventPointRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  kind: r.kind as EventPointRecord['kind'],
  code: String(r.code),
  name: String(r.name),
  lng: Number(r.lng),
  lat: Number(r.lat),
});

export class EventSourcesRepo {
  constructor(private readonly knex: Knex) {}

  async createSource(s: Omit<EventSourceRecord, 'id' | 'createdAt'>): Promise<EventSourceRecord> {
    const [r] = (await this.knex('event_sources')
      .insert({
        department_id: s.departmentId,
        name: s.name,
        kind: s.kind,
        format: s.format,
        secret_enc: s.secretEnc,
        settings: JSON.stringify(s.settings),
        credentials_enc: s.credentialsEnc,
        enabled: s.enabled,
      })
      .returning('*')) as Row[];
    return sourceFromRow(r!);
  }

  async source(id: number): Promise<EventSourceRecord | null> {
    const r = (await this.knex('event_sources').where({ id }).first()) as Row | undefined;
    return r ? sourceFromRow(r) : null;
  }

  /** Sources of some departments (null: all), by id. */
  async sources(departments: number[] | null, kind?: SourceKind): Promise<EventSourceRecord[]> {
    const q = this.knex('event_sources').orderBy('id');
    if (departments) q.whereIn('department_id', departments.length ? departments : [-1]);
    if (kind) q.where({ kind });
    return ((await q) as Row[]).map(sourceFromRow);
  }

  async deleteSource(id: number): Promise<boolean> {
    return (await this.knex('event_sources').where({ id }).delete()) > 0;
  }

  async createPoint(p: Omit<EventPointRecord, 'id'>): Promise<EventPointRecord> {
    const [r] = (await this.knex('event_points')
      .insert({ department_id: p.departmentId, kind: p.kind, code: p.code, name: p.name, lng: p.lng, lat: p.lat })
      .returning('*')) as Row[];
    return pointFromRow(r!);
  }

  /** Every point (the ingest resolves codes in memory). */
  async points(departments: number[] | null = null): Promise<EventPointRecord[]> {
    const q = this.knex('event_points').orderBy('id');
    if (departments) q.whereIn('department_id', departments.length ? departments : [-1]);
    return ((await q) as Row[]).map(pointFromRow);
  }
}
