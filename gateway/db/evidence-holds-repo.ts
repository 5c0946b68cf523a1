// Evidence holds: footage of a camera over a time range that retention never deletes, with who placed it and why.
import type { Knex } from 'knex';

export interface HoldRecord {
  id: string;
  cameraId: string;
  startMs: number;
  endMs: number;
  reason: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
}

type Row = Record<string, unknown>;
const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));

const holdFromRow = (r: Row): HoldRecord => ({
  id: String(r.id),
  cameraId: String(r.camera_id),
  startMs: ms(r.start_at),
  endMs: ms(r.end_at),
  reason: String(r.reason),
  createdBy: String(r.created_by),
  createdByName: String(r.created_by_name),
  createdAt: iso(r.created_at)!,
  releasedAt: iso(r.released_at),
  releasedBy: r.released_by == null ? null : String(r.released_by),
});

export class EvidenceHoldsRepo {
  constructor(private readonly knex: Knex) {}

  /** Places a hold and holds the segments it covers. */
  async hold(h: {
    cameraId: string;
    startMs: number;
    endMs: number;
    reason: string;
    by: string;
    byName: string;
  }): Promise<HoldRecord> {
    return this.knex.transaction(async (trx) => {
      const [r] = (await trx('evidence_holds')
        .insert({
          camera_id: h.cameraId,
          start_at: new Date(h.startMs),
          end_at: new Date(h.endMs),
          reason: h.reason,
          created_by: h.by,
          created_by_name: h.byName,
        })
        .returning('*')) as Row[];
      const hold = holdFromRow(r!);
      await trx('recording_segments')
        .where('camera_id', h.cameraId)
        .whereNull('hold_id')
        .where('start_at', '<', new Date(h.endMs))
        .where('end_at', '>', new Date(h.startMs))
        .update({ hold_id: hold.id });
      return hold;
    });
  }

  /** Releases a hold (its segments fall back to retention unless another hold covers them); null when unknown or released. */
  async release(id: string, by: string): Promise<HoldRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return this.knex.transaction(async (trx) => {
      const [r] = (await trx('evidence_holds')
        .where('id', id)
        .whereNull('released_at')
        .update({ released_at: trx.fn.now(), released_by: by })
        .returning('*')) as Row[];
      if (!r) return null;
      await trx('recording_segments').where('hold_id', id).update({ hold_id: null });
      return holdFromRow(r);
    });
  }

  async holds(cameraId: string): Promise<HoldRecord[]> {
    const rows = (await this.knex('evidence_holds').where('camera_id', cameraId).orderBy('start_at')) as Row[];
    return rows.map(holdFromRow);
  }
}
