// Marker looks: status colours, department shapes, cluster bubbles with a status-coloured ring.

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

/** The marker box of a single camera (px). */
export const CAMERA_SIZE = 18;

/** Paints a single camera's marker into `el` (a new or a reused element): shape by department, colour by status. */
export function paintCamera(el: HTMLElement, id: string, status: string, departmentId: number, selected = false): void {
  el.className = `cam-marker shape-${departmentShape(departmentId)} status-${status}${selected ? ' selected' : ''}`;
  el.dataset.cameraId = id;
  el.dataset.status = status;
  el.dataset.department = String(departmentId);
  el.style.setProperty('--c', statusColour(status));
}

/** The bubble diameter (px) for a cluster of `count` cameras. */
export function clusterSize(count: number): number {
  return count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : count < 10000 ? 48 : 56;
}

/** A ring split by status shares (conic gradient). */
function clusterRing(count: number, statusCounts: Record<string, number>): string {
  const total = Object.values(statusCounts).reduce((a, b) => a + b, 0) || count;
  let at = 0;
  const stops: string[] = [];
  for (const [status, n] of Object.entries(statusCounts)) {
    if (!n) continue;
    const from = (at / total) * 360;
    at += n;
    stops.push(`${statusColour(status)} ${from.toFixed(1)}deg ${((at / total) * 360).toFixed(1)}deg`);
  }
  return stops.length ? `conic-gradient(${stops.join(',')})` : statusColour('unknown');
}

/** Paints a cluster bubble (status ring around the count) into `el` (a new or a reused element); returns its diameter. */
export function paintCluster(el: HTMLElement, count: number, statusCounts: Record<string, number>): number {
  const size = clusterSize(count);
  el.className = 'cam-cluster';
  el.dataset.count = String(count);
  el.style.width = el.style.height = `${size}px`;
  el.style.background = clusterRing(count, statusCounts);
  const text = count >= 10000 ? `${Math.round(count / 1000)}k` : String(count);
  const span = el.firstElementChild ?? el.appendChild(document.createElement('span'));
  if (span.textContent !== text) span.textContent = text;
  return size;
}
