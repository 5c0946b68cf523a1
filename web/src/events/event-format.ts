// How an event (or the alarm it raised) is named on screen: its kind, and a short summary of its kind's data.
import type { StoredEvent } from '../../../gateway/events/event-model';
import { t } from '../core/i18n';

const KIND_LABELS = {
  anpr: 'event.kind.anpr',
  alarm: 'event.kind.alarm',
  camera: 'event.kind.camera',
  custom: 'event.kind.custom',
} as const;

/** The kind's label; an unknown kind as it is. */
export function kindLabel(kind: string): string {
  return kind in KIND_LABELS ? t(KIND_LABELS[kind as keyof typeof KIND_LABELS]) : kind;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** A one-line summary of what the event says: the plate of a read, the zone of an alarm, the type otherwise. */
export function eventSummary(e: Pick<StoredEvent, 'kind' | 'type' | 'plate' | 'data'>): string {
  const d = e.data;
  switch (e.kind) {
    case 'anpr':
      return [e.plate ?? str(d.plate), str(d.vehicleType), str(d.direction)].filter(Boolean).join(' · ');
    case 'alarm':
      return [str(d.alarmType), str(d.zone), str(d.description)].filter(Boolean).join(' · ');
    case 'camera':
      return [str(d.event), str(d.topic)].filter(Boolean).join(' · ');
    default:
      return e.type;
  }
}

/** A position as "lng, lat" with 5 decimals (about a metre). */
export function position(lng: number, lat: number): string {
  return `${lng.toFixed(5)}, ${lat.toFixed(5)}`;
}
