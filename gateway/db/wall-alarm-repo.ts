// The alarms wall screens show and what each screen showed before: rows of wall_screens.alarm_*.
import type { Knex } from 'knex';
import type { AlarmDisplay, ShownBefore } from '../wall/wall-alarms';

type Row = Record<string, unknown>;

export class WallAlarmRepo {
  constructor(private readonly knex: Knex) {}

  /** Every screen showing an alarm, with what it showed before. */
  async displays(): Promise<AlarmDisplay[]> {
    const rows = (await this.knex('wall_screens')
      .select('id', 'department_id', 'alarm_id', 'alarm_before', 'alarm_tour_paused')
      .whereNotNull('alarm_id')
      .whereNotNull('alarm_before')) as Row[];
    return rows.map((r) => ({
      screenId: Number(r.id),
      departmentId: Number(r.department_id),
      alarmId: String(r.alarm_id),
      before: r.alarm_before as ShownBefore,
      tourPaused: r.alarm_tour_paused === true,
    }));
  }

  /** Records the alarm a screen shows and what it showed before (null: none any more). */
  async set(screenId: number, d: Omit<AlarmDisplay, 'screenId' | 'departmentId'> | null): Promise<void> {
    await this.knex('wall_screens')
      .where({ id: screenId })
      .update({
        alarm_id: d?.alarmId ?? null,
        alarm_before: d ? JSON.stringify(d.before) : null,
        alarm_tour_paused: d?.tourPaused ?? false,
      });
  }
}
