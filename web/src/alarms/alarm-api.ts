// The alarm endpoints the console calls: list, read, the workflow steps, assignees and notes.
import type { Alarm, AlarmStep } from '../../../gateway/alarms/alarm-model';
import type { AlarmClip, Assignee } from '../../../gateway/alarms/alarm-service';
import type { StoredEvent } from '../../../gateway/events/event-model';
import { api, qs } from '../core/api';

export type { Alarm, AlarmStep, AlarmClip, Assignee, StoredEvent };

export interface AlarmDetail {
  alarm: Alarm;
  event: StoredEvent | null;
  cameras: AlarmClip[];
}

const path = (id: string, rest = ''): string => `/alarms/${encodeURIComponent(id)}${rest}`;

/** Alarms of the caller's department(s), newest first; `open`: all but the closed ones. */
export async function listAlarms(open: boolean): Promise<Alarm[]> {
  const r = await api<{ items: Alarm[] }>(
    'GET',
    `/alarms${qs({ state: open ? 'new,acknowledged,handled' : undefined, limit: 200 })}`,
  );
  return r.items;
}

export function getAlarm(id: string): Promise<AlarmDetail> {
  return api<AlarmDetail>('GET', path(id));
}

export function stepAlarm(id: string, step: AlarmStep): Promise<Alarm> {
  return api<Alarm>('POST', path(id, `/${step}`));
}

export function assignAlarm(id: string, userId: number): Promise<Alarm> {
  return api<Alarm>('POST', path(id, '/assign'), { body: { userId } });
}

export function noteAlarm(id: string, text: string): Promise<Alarm> {
  return api<Alarm>('POST', path(id, '/notes'), { body: { text } });
}

export async function assignees(id: string): Promise<Assignee[]> {
  return (await api<{ items: Assignee[] }>('GET', path(id, '/assignees'))).items;
}
