// PTZ rows: patrols of a camera (ptz_patrols) and the users' own PTZ priority (users.ptz_priority).
import type { Knex } from 'knex';

/** One stop of a patrol: an ONVIF preset token and how long the camera stays there, in seconds. */
export interface PatrolStep {
  preset: string;
  dwellS: number;
}

export interface Patrol {
  id: number;
  cameraId: string;
  name: string;
  steps: PatrolStep[];
  /** ISO time the patrol was started, null when stopped. */
  runningSince: string | null;
  startedBy: string | null;
  updatedAt: string;
}

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

const fromRow = (r: Row): Patrol => ({
  id: Number(r.id),
  cameraId: String(r.camera_id),
  name: String(r.name),
  steps: r.steps as PatrolStep[],
  runningSince: iso(r.running_since),
  startedBy: r.started_by == null ? null : String(r.started_by),
  updatedAt: iso(r.updated_at) ?? '',
});

export class PtzRepo {
  constructor(private readonly knex: Knex) {}

  async patrols(cameraId: string): Promise<Patrol[]> {
    return (await this.knex('ptz_patrols').where({ camera_id: cameraId }).orderBy('name')).map(fromRow);
  }

  async patrol(id: number): Promise<Patrol | null> {
    const r = await this.knex('ptz_patrols').where({ id }).first();
    return r ? fromRow(r) : null;
  }

  /** Patrols marked running (resumed at start). */
  async running(): Promise<Patrol[]> {
    return (await this.knex('ptz_patrols').whereNotNull('running_since')).map(fromRow);
  }

  async create(cameraId: string, name: string, steps: PatrolStep[]): Promise<Patrol> {
    const [r] = await this.knex('ptz_patrols')
      .insert({ camera_id: cameraId, name, steps: JSON.stringify(steps) })
      .returning('*');
    return fromRow(r as Row);
  }

  async update(id: number, w: { name?: string; steps?: PatrolStep[] }): Promise<Patrol | null> {
    const [r] = await this.knex('ptz_patrols')
      .where({ id })
      .update({
        ...(w.name !== undefined ? { name: w.name } : {}),
        ...(w.steps !== undefined ? { steps: JSON.stringify(w.steps) } : {}),
        updated_at: this.knex.fn.now(),
      })
      .returning('*');
    return r ? fromRow(r as Row) : null;
  }

  async remove(id: number): Promise<boolean> {
    return (await this.knex('ptz_patrols').where({ id }).delete()) > 0;
  }

  /** Marks a patrol running (by whom) or stopped (null). */
  async setRunning(id: number, by: string | null): Promise<void> {
    await this.knex('ptz_patrols')
      .where({ id })
      .update({ running_since: by === null ? null : this.knex.fn.now(), started_by: by });
  }

  /** A user's own PTZ priority, null when it has none (its role's applies). */
  async userPriority(userId: number): Promise<number | null> {
    const r = await this.knex('users').where({ id: userId }).first('ptz_priority');
    return r?.ptz_priority == null ? null : Number(r.ptz_priority);
  }

  /** Sets (or clears with null) a user's own PTZ priority; false when there is no such user. */
  async setUserPriority(userId: number, priority: number | null): Promise<boolean> {
    return (await this.knex('users').where({ id: userId }).update({ ptz_priority: priority })) > 0;
  }
}
