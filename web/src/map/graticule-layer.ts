// The offline fallback base layer: a locally drawn canvas graticule (no tiles needed on closed networks), labelled along the view's edges.
import * as L from 'leaflet';
import { LabelPlacer, textWidth } from './label-placer';

const STEPS = [
  10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001, 0.00005, 0.00002, 0.00001,
];
const FONT = '11px system-ui, sans-serif';
const LABEL_HEIGHT = 14;
/** Pixels between the ends of two neighbouring labels on one edge. */
const LABEL_GAP = 14;

/** Degree step of the lines for a zoom level (about 4 lines per 256 px tile). */
export function stepFor(zoom: number): number {
  const perTile = 360 / 2 ** zoom;
  return STEPS.find((s) => s <= perTile / 2) ?? 0.00001;
}

function decimals(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Whether `v` is a whole multiple of `step` (degrees, float-safe). */
const onStep = (v: number, step: number): boolean => Math.abs(v / step - Math.round(v / step)) < 1e-6;

class GraticuleLayer extends L.GridLayer {
  private labels: HTMLElement | null = null;

  override onAdd(map: L.Map): this {
    super.onAdd(map);
    // labels live over the view, not in the tiles: a tile edge would cut them, and neighbouring tiles cannot see each other's
    this.labels = L.DomUtil.create('div', 'graticule-labels', map.getContainer());
    Object.assign(this.labels.style, {
      position: 'absolute',
      inset: '0',
      pointerEvents: 'none',
      zIndex: '450',
      overflow: 'hidden',
    });
    map.on('move zoomend resize', this.drawLabels, this);
    this.drawLabels();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('move zoomend resize', this.drawLabels, this);
    this.labels?.remove();
    this.labels = null;
    return super.onRemove(map);
  }

  protected override createTile(coords: L.Coords): HTMLElement {
    const ratio = window.devicePixelRatio || 1;
    const tile = document.createElement('canvas');
    tile.width = tile.height = 256 * ratio;
    const ctx = tile.getContext('2d');
    if (!ctx) return tile;
    ctx.scale(ratio, ratio);
    ctx.fillStyle = '#eef1f4';
    ctx.fillRect(0, 0, 256, 256);
    const map = this._map;
    const nw = map.unproject([coords.x * 256, coords.y * 256], coords.z);
    const se = map.unproject([(coords.x + 1) * 256, (coords.y + 1) * 256], coords.z);
    const step = stepFor(coords.z);
    const toPx = (lat: number, lng: number): L.Point =>
      map.project([lat, lng], coords.z).subtract([coords.x * 256, coords.y * 256]);
    const line = (x0: number, y0: number, x1: number, y1: number, major: boolean): void => {
      ctx.strokeStyle = major ? '#b7c0ca' : '#d5dbe1';
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
    };
    for (let lng = Math.ceil(nw.lng / step) * step; lng <= se.lng; lng += step) {
      const x = Math.round(toPx(nw.lat, lng).x) + 0.5;
      line(x, 0, x, 256, onStep(lng, step * 5));
    }
    for (let lat = Math.ceil(se.lat / step) * step; lat <= nw.lat; lat += step) {
      const y = Math.round(toPx(lat, nw.lng).y) + 0.5;
      line(0, y, 256, y, onStep(lat, step * 5));
    }
    return tile;
  }

  /**
   * Longitudes along the top edge, latitudes along the left edge. Every k-th line is labelled, k
   * chosen so neighbouring labels keep a gap (stable while panning: k depends on the zoom only);
   * a label that would run under a map control or out of the view is left out.
   */
  private drawLabels(): void {
    const map = this._map;
    if (!map || !this.labels) return;
    const size = map.getSize();
    const zoom = Math.round(map.getZoom());
    const step = stepFor(zoom);
    const dec = decimals(step);
    const placer = new LabelPlacer(size.x, size.y, 2);
    const box = map.getContainer().getBoundingClientRect();
    for (const c of map.getContainer().querySelectorAll('.leaflet-control')) {
      const r = c.getBoundingClientRect();
      placer.block({ x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top });
    }
    const b = map.getBounds();
    const spacing =
      map.latLngToContainerPoint([b.getCenter().lat, b.getWest() + step]).x -
      map.latLngToContainerPoint([b.getCenter().lat, b.getWest()]).x;
    const widest = textWidth(`-${(180).toFixed(dec)}°`, FONT) + 8;
    const every = Math.max(1, Math.ceil((widest + LABEL_GAP) / Math.max(1, spacing)));
    const out: HTMLElement[] = [];
    const put = (text: string, axis: 'lng' | 'lat', x: number, y: number, w: number): void => {
      if (!placer.place({ x0: x, y0: y, x1: x + w, y1: y + LABEL_HEIGHT })) return;
      const el = L.DomUtil.create('span', `graticule-label graticule-label-${axis}`);
      el.textContent = text;
      el.dataset.value = text.replace('°', '');
      Object.assign(el.style, {
        position: 'absolute',
        left: `${x}px`,
        top: `${y}px`,
        font: FONT,
        lineHeight: `${LABEL_HEIGHT}px`,
        padding: '0 3px',
        color: '#5f6b77',
        background: 'rgba(238,241,244,.85)',
        whiteSpace: 'nowrap',
      });
      out.push(el);
    };
    const big = step * every;
    for (let lng = Math.ceil(b.getWest() / big) * big; lng <= b.getEast(); lng += big) {
      const text = `${lng.toFixed(dec)}°`;
      const x = map.latLngToContainerPoint([b.getCenter().lat, lng]).x;
      put(text, 'lng', Math.round(x) + 2, 2, textWidth(text, FONT) + 6);
    }
    for (let lat = Math.ceil(b.getSouth() / big) * big; lat <= b.getNorth(); lat += big) {
      const text = `${lat.toFixed(dec)}°`;
      const y = map.latLngToContainerPoint([lat, b.getCenter().lng]).y;
      put(text, 'lat', 2, Math.round(y) - LABEL_HEIGHT - 1, textWidth(text, FONT) + 6);
    }
    this.labels.replaceChildren(...out);
  }
}

export function createGraticuleLayer(): L.GridLayer {
  return new GraticuleLayer({
    tileSize: 256,
    maxZoom: 22,
    className: 'graticule-layer',
    attribution: 'Cloud Eye offline grid',
  });
}
