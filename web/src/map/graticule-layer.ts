// The offline fallback base layer: a locally drawn canvas graticule (no tiles needed on closed networks).
import * as L from 'leaflet';

/** Degree step of the labelled lines for a zoom level (about 4 lines per 256 px tile). */
function stepFor(zoom: number): number {
  const perTile = 360 / 2 ** zoom;
  const steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001, 0.00005, 0.00002, 0.00001];
  return steps.find((s) => s <= perTile / 2) ?? 0.00001;
}

function decimals(step: number): number {
  return Math.max(0, Math.ceil(-Math.log10(step)));
}

class GraticuleLayer extends L.GridLayer {
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
    const toPx = (lat: number, lng: number): L.Point => map.project([lat, lng], coords.z).subtract([coords.x * 256, coords.y * 256]);
    ctx.font = '10px system-ui, sans-serif';
    const dec = decimals(step);
    for (let lng = Math.ceil(nw.lng / step) * step; lng <= se.lng; lng += step) {
      const x = Math.round(toPx(nw.lat, lng).x) + 0.5;
      const major = Math.abs(lng / (step * 5) - Math.round(lng / (step * 5))) < 1e-6;
      ctx.strokeStyle = major ? '#b7c0ca' : '#d5dbe1';
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, 256);
      ctx.stroke();
      ctx.fillStyle = '#7a8793';
      ctx.fillText(`${lng.toFixed(dec)}°`, x + 2, 250);
    }
    for (let lat = Math.ceil(se.lat / step) * step; lat <= nw.lat; lat += step) {
      const y = Math.round(toPx(lat, nw.lng).y) + 0.5;
      const major = Math.abs(lat / (step * 5) - Math.round(lat / (step * 5))) < 1e-6;
      ctx.strokeStyle = major ? '#b7c0ca' : '#d5dbe1';
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(256, y);
      ctx.stroke();
      ctx.fillStyle = '#7a8793';
      ctx.fillText(`${lat.toFixed(dec)}°`, 2, y - 2);
    }
    return tile;
  }
}

export function createGraticuleLayer(): L.GridLayer {
  return new GraticuleLayer({ tileSize: 256, maxZoom: 22, className: 'graticule-layer', attribution: 'Cloud Eye offline grid' });
}
