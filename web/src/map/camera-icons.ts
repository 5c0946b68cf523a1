// Marker looks: status colours, department shapes, cluster bubbles with a status-coloured ring.
import * as L from 'leaflet';

export const STATUS_COLOURS: Record<string, string> = {
  online: '#1f9d55',
  offline: '#8795a1',
  degraded: '#f2a100',
  unauthorized: '#d64545',
  unknown: '#5b7db1',
};
const SHAPES = ['circle', 'square', 'diamond', 'triangle'] as const;

export function statusColour(status: string): string {
  return STATUS_COLOURS[status] ?? STATUS_COLOURS.unknown!;
}

/** The department's marker shape (stable per department id). */
export function departmentShape(departmentId: number): (typeof SHAPES)[number] {
  return SHAPES[(departmentId - 1 + SHAPES.length * 1000) % SHAPES.length]!;
}

export function cameraIcon(id: string, status: string, departmentId: number, selected = false): L.DivIcon {
  const shape = departmentShape(departmentId);
  return L.divIcon({
    className: 'cam-icon-wrap',
    html: `<div class="cam-marker shape-${shape} status-${status}${selected ? ' selected' : ''}" data-camera-id="${id}" data-status="${status}" data-department="${departmentId}" style="--c:${statusColour(status)}"></div>`,
    iconSize: [18, 18],
    iconAnchor: [9, 9],
    popupAnchor: [0, -8],
  });
}

/** A ring split by status shares (conic gradient) around the count. */
export function clusterIcon(count: number, statusCounts: Record<string, number>): L.DivIcon {
  const total = Object.values(statusCounts).reduce((a, b) => a + b, 0) || count;
  let at = 0;
  const stops: string[] = [];
  for (const [status, n] of Object.entries(statusCounts)) {
    if (!n) continue;
    const from = (at / total) * 360;
    at += n;
    stops.push(`${statusColour(status)} ${from.toFixed(1)}deg ${((at / total) * 360).toFixed(1)}deg`);
  }
  const ring = stops.length ? `conic-gradient(${stops.join(',')})` : statusColour('unknown');
  const size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : count < 10000 ? 48 : 56;
  const label = count >= 10000 ? `${Math.round(count / 1000)}k` : String(count);
  return L.divIcon({
    className: 'cam-icon-wrap',
    html: `<div class="cam-cluster" data-count="${count}" style="width:${size}px;height:${size}px;background:${ring}"><span>${label}</span></div>`,
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
  });
}
