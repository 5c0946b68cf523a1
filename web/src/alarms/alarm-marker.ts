// Alarm markers on the map: one per open alarm at its event's place, blinking while the alarm is new.
import * as L from 'leaflet';
import type { Alarm } from '../../../gateway/alarms/alarm-model';
import type { BaseMap } from '../map/base-map';

/** Pixels of the marker's icon (a ring around a dot). */
const SIZE = 28;

export class AlarmMarkers {
  private readonly layer = L.layerGroup();
  private readonly markers = new Map<string, L.Marker>();

  constructor(
    private readonly base: BaseMap,
    private readonly onClick: (alarmId: string) => void,
  ) {}

  start(): void {
    this.layer.addTo(this.base.map);
  }

  /** Adds, moves or restyles the alarm's marker; a closed alarm's marker is removed. */
  show(a: Alarm): void {
    if (a.state === 'closed') {
      this.remove(a.id);
      return;
    }
    const at = this.base.toLatLng(a.lng, a.lat);
    const icon = L.divIcon({
      className: `alarm-marker state-${a.state}${a.state === 'new' ? ' blinking' : ''}${a.escalated ? ' escalated' : ''}`,
      html: '<span class="alarm-ring"></span><span class="alarm-dot"></span>',
      iconSize: [SIZE, SIZE],
      iconAnchor: [SIZE / 2, SIZE / 2],
    });
    let m = this.markers.get(a.id);
    if (m) {
      m.setLatLng(at);
      m.setIcon(icon);
    } else {
      m = L.marker(at, { icon, zIndexOffset: 1000, keyboard: false });
      m.on('click', () => this.onClick(a.id));
      m.addTo(this.layer);
      this.markers.set(a.id, m);
    }
    m.getElement()?.setAttribute('data-alarm', a.id);
  }

  /** Marks one alarm's marker as the one opened in the panel. */
  highlight(id: string | null): void {
    for (const [k, m] of this.markers) m.getElement()?.classList.toggle('selected', k === id);
  }

  remove(id: string): void {
    this.markers.get(id)?.remove();
    this.markers.delete(id);
  }

  close(): void {
    this.layer.remove();
    this.markers.clear();
  }
}
