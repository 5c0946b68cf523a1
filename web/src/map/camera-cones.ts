// View cones of the cameras layer: each camera's view sector drawn as a polygon once the map is zoomed in close.
import * as L from 'leaflet';
import type { BaseMap } from './base-map';
import { statusColour } from './camera-icons';
import type { ClusterFeature } from './camera-features';
import { sectorRing } from './view-cone';

/** Cones are drawn from this zoom on (few cameras on screen, each cone readable). */
const CONE_ZOOM = 17;

/** Redraws into `cones` the view cone of every camera among `entries` that has a bearing, from CONE_ZOOM on. */
export function drawCones(
  cones: L.LayerGroup,
  entries: Iterable<{ feature: ClusterFeature }>,
  zoom: number,
  opts: { base: BaseMap; defaultRangeM: number; renderer: L.Canvas | null },
): void {
  cones.clearLayers();
  if (zoom < CONE_ZOOM) return;
  for (const { feature } of entries) {
    const p = feature.properties;
    if (p.cluster || p.bearing === null) continue;
    const [lng, lat] = feature.geometry.coordinates;
    const ring = sectorRing(lng, lat, p.bearing, p.fov ?? 360, p.rangeM ?? opts.defaultRangeM);
    L.polygon(
      ring.map(([x, y]) => opts.base.toLatLng(x, y)),
      {
        color: statusColour(p.status),
        weight: 1,
        fillOpacity: 0.15,
        interactive: false,
        ...(opts.renderer ? { renderer: opts.renderer } : {}),
      },
    ).addTo(cones);
  }
}
