// Drawing a circle (press-drag-release, or two clicks), polygon or route on the map with plain Leaflet primitives (Esc cancels).
import * as L from 'leaflet';
import type { BaseMap } from '../map/base-map';
import { distanceM } from '../../../gis/geodesy';

export type ShapeKind = 'circle' | 'polygon' | 'route';
export type Shape =
  | { kind: 'circle'; centre: [number, number]; radiusM: number }
  | { kind: 'polygon'; ring: Array<[number, number]> }
  | { kind: 'route'; line: Array<[number, number]> };

const STYLE: L.PathOptions = {
  color: '#6b46c1',
  weight: 3,
  fillOpacity: 0.1,
  interactive: false,
  className: 'drawn-shape',
};

/** One drawing session; the finished shape (WGS-84) goes to `done`, a cancel gives null. */
export class ShapeDrawer {
  private readonly layer = L.layerGroup();
  private points: L.LatLng[] = [];
  private preview: L.Path | null = null;
  private finished = false;
  private readonly dblZoom: boolean;
  private readonly panDrag: boolean;
  /** Where a circle's press began (centre), until the button is released. */
  private press: { at: L.LatLng; px: L.Point } | null = null;

  constructor(
    private readonly base: BaseMap,
    readonly kind: ShapeKind,
    private readonly done: (shape: Shape | null) => void,
  ) {
    this.dblZoom = base.map.doubleClickZoom.enabled();
    this.panDrag = base.map.dragging.enabled();
  }

  start(): void {
    const map = this.base.map;
    this.layer.addTo(map);
    map.doubleClickZoom.disable();
    map.getContainer().classList.add('drawing');
    map.on('click', this.onClick);
    map.on('mousemove', this.onMove);
    map.on('dblclick', this.onDbl);
    if (this.kind === 'circle') {
      // a press-drag-release draws the circle, so the drag must not pan the map meanwhile
      map.dragging.disable();
      map.on('mousedown', this.onDown);
      map.on('mouseup', this.onUp);
    }
    document.addEventListener('keydown', this.onKey);
  }

  private stop(): void {
    const map = this.base.map;
    map.off('click', this.onClick);
    map.off('mousemove', this.onMove);
    map.off('dblclick', this.onDbl);
    map.off('mousedown', this.onDown);
    map.off('mouseup', this.onUp);
    document.removeEventListener('keydown', this.onKey);
    map.getContainer().classList.remove('drawing');
    if (this.panDrag) map.dragging.enable();
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

  private readonly onDown = (e: L.LeafletMouseEvent): void => {
    if (this.finished || this.points.length || e.originalEvent.button !== 0) return;
    this.press = { at: e.latlng, px: e.containerPoint };
  };

  /** Below this many pixels between press and release, the gesture is a click (the two-click circle). */
  private static readonly DRAG_PX = 6;

  private readonly onUp = (e: L.LeafletMouseEvent): void => {
    const press = this.press;
    this.press = null;
    if (!press || this.finished || this.points.length || press.px.distanceTo(e.containerPoint) < ShapeDrawer.DRAG_PX)
      return;
    this.points.push(press.at, e.latlng);
    L.circleMarker(press.at, { radius: 4, color: '#6b46c1', fillOpacity: 1, interactive: false }).addTo(this.layer);
    // the click that follows this release finds the drawing finished and adds nothing
    this.finish();
  };

  private readonly onMove = (e: L.LeafletMouseEvent): void => {
    if (this.finished) return;
    if (this.press && !this.points.length) this.redrawCircle(this.press.at, e.latlng);
    else if (this.points.length) this.redraw(e.latlng);
  };

  private redrawCircle(centre: L.LatLng, edge: L.LatLng): void {
    this.preview?.remove();
    this.preview = L.circle(centre, { ...STYLE, radius: centre.distanceTo(edge) }).addTo(this.layer);
  }

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
