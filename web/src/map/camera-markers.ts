// Camera and cluster markers of the cameras layer: flat-placed markers built, repainted and resized in place.
import * as L from 'leaflet';
import type { BaseMap } from './base-map';
import { CAMERA_SIZE, paintCamera, paintCluster } from './camera-icons';
import type { ClusterFeature, PointProps } from './camera-features';
import { dragCamera } from '../wall/camera-drag';

export interface Entry {
  marker: L.Marker;
  /** The .cam-marker / .cam-cluster element inside the marker's icon, repainted in place. */
  el: HTMLElement;
  kind: 'c' | 'p';
  sig: string;
  feature: ClusterFeature;
  /** Icon box (px). */
  size: number;
}

/**
 * A marker placed with a 2-D translate. Leaflet places markers with translate3d, which makes every
 * one of the hundreds of markers a compositing layer of its own; the per-frame commit of those
 * layers held the main thread for several ms each frame while the map moved.
 */
class FlatMarker extends L.Marker {
  _setPos(pos: L.Point): void {
    const self = this as unknown as {
      _icon?: HTMLElement & { _leaflet_pos?: L.Point };
      _zIndex: number;
      _resetZIndex(): void;
    };
    const el = self._icon;
    if (el) {
      el._leaflet_pos = pos;
      el.style.transform = `translate(${pos.x}px,${pos.y}px)`;
    }
    self._zIndex = pos.y + (this.options.zIndexOffset ?? 0);
    self._resetZIndex();
  }
}

/** What a marker needs of its layer: the map (and its CRS), the layer group, the selected camera, the click handler. */
export interface MarkerContext {
  base: BaseMap;
  group: L.LayerGroup;
  selectedId: string | null;
  onCameraClick: (p: PointProps, at: L.LatLng) => void;
}

/** Paints `f` into the element of `e` and moves its marker (the entry keeps its kind). */
export function repaintEntry(
  e: Entry,
  f: ClusterFeature,
  sig: string,
  ctx: Pick<MarkerContext, 'base' | 'selectedId'>,
): void {
  const p = f.properties;
  e.feature = f;
  e.sig = sig;
  if (p.cluster) {
    const size = paintCluster(e.el, p.count, p.statusCounts);
    if (size !== e.size) resize(e, size);
  } else {
    paintCamera(e.el, p.id, p.status, p.departmentId, p.id === ctx.selectedId);
    if (e.marker.options.title !== p.name) {
      e.marker.options.title = p.name;
      const icon = e.marker.getElement();
      if (icon) icon.title = p.name;
    }
  }
  const [lng, lat] = f.geometry.coordinates;
  const at = ctx.base.toLatLng(lng, lat);
  if (!e.marker.getLatLng().equals(at)) e.marker.setLatLng(at);
}

/** A new icon box size for a reused marker, in the icon's options and on its element (as Leaflet would set them). */
function resize(e: Entry, size: number): void {
  e.size = size;
  const o = e.marker.options.icon!.options;
  o.iconSize = [size, size];
  o.iconAnchor = [size / 2, size / 2];
  const icon = e.marker.getElement();
  if (!icon) return;
  icon.style.width = icon.style.height = `${size}px`;
  icon.style.marginLeft = icon.style.marginTop = `${-size / 2}px`;
}

/** A new marker for `f`, added to the layer group. */
export function makeEntry(f: ClusterFeature, sig: string, ctx: MarkerContext): Entry {
  const [lng, lat] = f.geometry.coordinates;
  const at = ctx.base.toLatLng(lng, lat);
  const p = f.properties;
  const el = document.createElement('div');
  if (p.cluster) {
    const size = paintCluster(el, p.count, p.statusCounts);
    const icon = L.divIcon({
      className: 'cam-icon-wrap',
      html: el,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
    const e: Entry = { marker: new FlatMarker(at, { icon, keyboard: false }), el, kind: 'c', sig, feature: f, size };
    e.marker.on('click', () => {
      const q = e.feature.properties;
      if (q.cluster) ctx.base.map.setView(e.marker.getLatLng(), Math.min(q.expansionZoom, ctx.base.map.getMaxZoom()));
    });
    ctx.group.addLayer(e.marker);
    return e;
  }
  paintCamera(el, p.id, p.status, p.departmentId, p.id === ctx.selectedId);
  // a marker is a drag source: dropped on a wall pane (the map's wall panel), its camera goes there
  dragCamera(el, p.id, p.name);
  const half = CAMERA_SIZE / 2;
  const icon = L.divIcon({
    className: 'cam-icon-wrap',
    html: el,
    iconSize: [CAMERA_SIZE, CAMERA_SIZE],
    iconAnchor: [half, half],
    popupAnchor: [0, -8],
  });
  const e: Entry = {
    marker: new FlatMarker(at, { icon, title: p.name, riseOnHover: true }),
    el,
    kind: 'p',
    sig,
    feature: f,
    size: CAMERA_SIZE,
  };
  e.marker.on('click', () => {
    const q = e.feature.properties;
    if (!q.cluster) ctx.onCameraClick(q, e.marker.getLatLng());
  });
  ctx.group.addLayer(e.marker);
  return e;
}
