// Drawing a circle, polygon or route on the map with plain Leaflet primitives (click to add, double-click or Finish to end, Esc to cancel).
import * as L from 'leaflet';
import type { BaseMap } from '../map/base-map';
import { distanceM } from '../../../gis/geodesy';

export type ShapeKind = 'circle' | 'polygon' | 'route';
export type Shape =
  | { kind: 'circle'; centre: [number, number]; radiusM: number }
  | { kind: 'polygon'; ring: Array<[number, number]> }
  | { kind: 'route'; line: Array<[number, number]> };

const STYLE: L.PathOptions = { color: '#6b46c1', weight: 3, fillOpacity: 0.1, interactive: false, className: 'drawn-shape' };

/** One drawing session; the finished shape (WGS-84) goes to `done`, a cancel gives null. */
export class ShapeDrawer {
  private readonly layer = L.layerGroup();
  private points: L.LatLng[] = [];
  private preview: L.Path | null = null;
  private finished = false;
  private readonly dblZoom: boolean;

  constructor(
    private readonly base: BaseMap,
    readonly kind: ShapeKind,
    private readonly done: (shape: Shape | null) => void,
  ) {
    this.dblZoom = base.map.doubleClickZoom.enabled();
  }

  start(): void {
    const map = this.base.map;
    this.layer.addTo(map);
    map.doubleClickZoom.disable();
    map.getContainer().classList.add('drawing');
    map.on('click', this.onClick);
    map.on('mousemove', this.onMove);
    map.on('dblclick', this.onDbl);
    document.addEventListener('keydown', this.onKey);
  }

  private stop(): void {
    const map = this.base.map;
    map.off('click', this.onClick);
    map.off('mousemove', this.onMove);
    map.off('dblclick', this.onDbl);
    document.removeEventListener('keydown', this.onKey);
    map.getContainer().classList.remove('drawing');
    if (this.dblZoom) setTimeout(() => map.doubleClickZoom.enable(), 0);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.cancel();
  };

  private readonly onClick = (e: L.LeafletMouseEvent): void => {
    if (this.finished) return;
    if (this.kind === 'circle' && this.points.length === 1) {
      this.points.push(e.latlng);
      this.finish();
      return;
    }
    const last = this.points[this.points.length - 1];
    // the two clicks of a double-click each land here: ignore the duplicate vertex
    if (last && last.distanceTo(e.latlng) < 0.01) return;
    this.points.push(e.latlng);
    L.circleMarker(e.latlng, { radius: 4, color: '#6b46c1', fillOpacity: 1, interactive: false }).addTo(this.layer);
    this.redraw(null);
  };

  private readonly onMove = (e: L.LeafletMouseEvent): void => {
    if (this.points.length && !this.finished) this.redraw(e.latlng);
  };

  private readonly onDbl = (): void => {
    this.finish();
  };

  private redraw(cursor: L.LatLng | null): void {
    this.preview?.remove();
    const pts = cursor ? [...this.points, cursor] : this.points;
    if (this.kind === 'circle') {
      const c = this.points[0];
      this.preview = c && cursor ? L.circle(c, { ...STYLE, radius: c.distanceTo(cursor) }) : null;
    } else if (this.kind === 'polygon') this.preview = pts.length >= 2 ? L.polygon(pts, STYLE) : null;
    else this.preview = pts.length >= 2 ? L.polyline(pts, STYLE) : null;
    this.preview?.addTo(this.layer);
  }

  /** Ends the drawing if the shape is complete enough (Finish button, double-click). */
  finish(): void {
    if (this.finished) return;
    const wgs = this.points.map((p) => this.base.toWgs(p));
    let shape: Shape | null = null;
    if (this.kind === 'circle' && wgs.length >= 2) {
      const [c, e] = [wgs[0]!, wgs[1]!];
      shape = { kind: 'circle', centre: c, radiusM: Math.max(1, Math.round(distanceM(c[0], c[1], e[0], e[1]))) };
    } else if (this.kind === 'polygon' && wgs.length >= 3) shape = { kind: 'polygon', ring: [...wgs, wgs[0]!] };
    else if (this.kind === 'route' && wgs.length >= 2) shape = { kind: 'route', line: wgs };
    if (!shape) return;
    this.finished = true;
    this.stop();
    this.redraw(null);
    if (shape.kind === 'circle') {
      this.preview?.remove();
      this.preview = L.circle(this.points[0]!, { ...STYLE, radius: shape.radiusM }).addTo(this.layer);
    }
    this.done(shape);
  }

  cancel(): void {
    if (!this.finished) {
      this.finished = true;
      this.stop();
      this.done(null);
    }
    this.layer.remove();
  }

  /** Removes the drawn shape from the map. */
  clear(): void {
    this.cancel();
  }
}
