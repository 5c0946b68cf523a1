// Wall tours and the tours running on screens: rows of wall_tours, wall_screens.tour_*.
import type { Knex } from 'knex';
import type { TourRecord, TourRun, TourStep } from '../wall/tour-model';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isUnique = (err: unknown): boolean => (err as { code?: string }).code === '23505';

const fromRow = (r: Row): TourRecord => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  ownerId: Number(r.owner_id),
  name: String(r.name),
  steps: r.steps as TourStep[],
  updatedAt: iso(r.updated_at),
});

export class TourRepo {
  constructor(private readonly knex: Knex) {}

  async tours(departmentIds: number[] | null): Promise<TourRecord[]> {
    const q = this.knex('wall_tours').select('*').orderBy('id');
    if (departmentIds) q.whereIn('department_id', departmentIds);
    return ((await q) as Row[]).map(fromRow);
  }

  async tour(id: number): Promise<TourRecord | null> {
    const r = (await this.knex('wall_tours').where({ id }).first()) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** The new tour's id; null when the department already has a tour of that name. */
  async create(w: Omit<TourRecord, 'id' | 'updatedAt'>): Promise<number | null> {
    try {
      const [row] = (await this.knex('wall_tours')
        .insert({ department_id: w.departmentId, owner_id: w.ownerId, name: w.name, steps: JSON.stringify(w.steps) })
        .returning('id')) as Row[];
      return Number(row!.id);
    } catch (err) {
      if (isUnique(err)) return null;
      throw err;
    }
  }

  /** false: no such tour; 'duplicate': the name is taken. */
  async update(
    id: number,
    w: { name?: string | undefined; steps?: TourStep[] | undefined },
  ): Promise<boolean | 'duplicate'> {
    const row: Row = { updated_at: this.knex.fn.now() };
    if (w.name !== undefined) row.name = w.name;
    if (w.steps !== undefined) row.steps = JSON.stringify(w.steps);
    try {
      return (await this.knex('wall_tours').where({ id }).update(row)) > 0;
    } catch (err) {
      if (isUnique(err)) return 'duplicate';
      throw err;
    }
  }

  async remove(id: number): Promise<boolean> {
    return (await this.knex('wall_tours').where({ id }).delete()) > 0;
  }

  /** Every tour running on a screen. */
  async runs(): Promise<TourRun[]> {
    const rows = (await this.knex('wall_screens')
      .select('id', 'tour_id', 'tour_step', 'tour_started_by')
      .whereNotNull('tour_id')) as Row[];
    return rows.map((r) => ({
      screenId: Number(r.id),
      tourId: Number(r.tour_id),
      step: Number(r.tour_step),
      startedBy: String(r.tour_started_by ?? ''),
    }));
  }

  /** Records the tour running on a screen and its step (tourId null: none). */
  async setRun(screenId: number, tourId: number | null, step: number, startedBy: string | null): Promise<void> {
    await this.knex('wall_screens')
      .where({ id: screenId })
      .update({ tour_id: tourId, tour_step: step, tour_started_by: startedBy });
  }

  async step(screenId: number, step: number): Promise<void> {
    await this.knex('wall_screens').where({ id: screenId }).whereNotNull('tour_id').update({ tour_step: step });
  }
}
