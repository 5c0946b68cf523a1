// Grids, districts and key places (GET /grids) drawn as a toggleable layer; also the list the incident panel picks from.
import * as L from 'leaflet';
import type { Grid } from '../../../gateway/contract';
import { api } from '../core/api';
import type { BaseMap } from './base-map';

const STYLE: Record<string, L.PathOptions> = {
  district: { color: '#2c5282', weight: 2, fillOpacity: 0.03, dashArray: '6 4' },
  grid: { color: '#4a6fa5', weight: 1, fillOpacity: 0.02 },
  place: { color: '#c05621', weight: 2, fillOpacity: 0.12 },
};

/** The rough centre of a grid (mean of its outer ring's vertices), WGS-84 [lng, lat]. */
export function gridCentre(g: Grid): [number, number] {
  const ring = g.geometry.type === 'Polygon' ? g.geometry.coordinates[0] : g.geometry.coordinates[0]?.[0];
  const pts = (ring ?? []).slice(0, -1);
  if (!pts.length) return [0, 0];
  const sx = pts.reduce((a, p) => a + (p[0] ?? 0), 0);
  const sy = pts.reduce((a, p) => a + (p[1] ?? 0), 0);
  return [sx / pts.length, sy / pts.length];
}

export class GridsLayer {
  readonly layer = L.layerGroup();
  grids: Grid[] = [];
  private readonly offs: Array<() => void> = [];

  constructor(private readonly base: BaseMap) {}

  async load(): Promise<Grid[]> {
    this.grids = await api<Grid[]>('GET', '/grids');
    this.draw();
    this.offs.push(this.base.onCrsChange(() => this.draw()));
    return this.grids;
  }

  private draw(): void {
    this.layer.clearLayers();
    for (const g of this.grids) {
      const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
      for (const poly of polys) {
        const rings = poly.map((ring) => ring.map((p) => this.base.toLatLng(p[0] ?? 0, p[1] ?? 0)));
        L.polygon(rings, { ...(STYLE[g.kind] ?? STYLE.grid), className: `grid-shape grid-${g.kind}` })
          .bindTooltip(g.name, { sticky: true })
          .addTo(this.layer);
      }
    }
  }

  setVisible(on: boolean): void {
    if (on) this.layer.addTo(this.base.map);
    else this.layer.remove();
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.layer.remove();
  }
}
