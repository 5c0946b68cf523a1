// The vector base map's names in the interface language, placed by priority without overlap.
import * as L from 'leaflet';
import { currentLang } from '../core/i18n';
import { LabelPlacer, labelPointsAlong, rotatedBox, textWidth, visibleRuns } from './label-placer';
import {
  lines,
  roadClass,
  type Feature,
  type FeatureCollection,
  type GeoJsonInput,
  type Props,
} from './vector-features';

/** Lowest zoom at which a kind of name is shown. */
const LABEL_MIN_ZOOM = {
  district: 11,
  primary: 12,
  secondary: 13,
  landmark: 14,
  water: 13,
  park: 15,
  minor: 15,
} as const;
/** District names give way to street names once the streets fill the view. */
const DISTRICT_MAX_ZOOM = 15;
const FONT = '12px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const FONT_BOLD = `600 ${FONT}`;
const LINE_HEIGHT = 16;
/** Pixels between two names of the same road. */
const ROAD_LABEL_SPACING = 360;

/** Text colours of the names by kind; a white halo keeps them readable over roads and water. */
const LABEL_COLOUR: Record<string, string> = {
  district: '#5d4f86',
  water: '#2f6f9f',
  park: '#3f7a34',
  landmark: '#8a2f27',
};
const HALO = '0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff';

/**
 * Names in the interface language, by priority, each kept only where it fits clear of the others:
 * the label elements for the map's label pane, placed for its current size, zoom and controls.
 */
export function baseLabels(map: L.Map, fc: FeatureCollection): HTMLElement[] {
  const size = map.getSize();
  const zoom = map.getZoom();
  const placer = new LabelPlacer(size.x, size.y);
  for (const c of map.getContainer().querySelectorAll('.leaflet-control')) {
    const r = c.getBoundingClientRect(),
      m = map.getContainer().getBoundingClientRect();
    placer.block({ x0: r.left - m.left, y0: r.top - m.top, x1: r.right - m.left, y1: r.bottom - m.top });
  }
  const en = currentLang() === 'en';
  const nameOf = (p: Props): string => (en ? p.nameEn || p.name : p.name) ?? '';
  const labels: HTMLElement[] = [];
  const put = (text: string, kind: string, cx: number, cy: number, angle = 0, font = FONT): void => {
    const el = document.createElement('div');
    el.className = `base-label base-label-${kind}`;
    el.dataset.kind = kind;
    L.DomUtil.setPosition(el, map.containerPointToLayerPoint([cx, cy]));
    const span = document.createElement('span');
    span.textContent = text;
    Object.assign(span.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      display: 'block',
      whiteSpace: 'nowrap',
      font,
      lineHeight: `${LINE_HEIGHT}px`,
      color: LABEL_COLOUR[kind] ?? '#333',
      textShadow: HALO,
      transform: `translate(-50%, -50%) rotate(${angle}rad)`,
    });
    el.append(span);
    labels.push(el);
  };
  const features = (kind: string): Feature[] =>
    fc.features.filter((f) => (f.properties as Props | null)?.kind === kind && nameOf(f.properties as Props));
  const bounds = map.getBounds();

  if (zoom >= LABEL_MIN_ZOOM.district && zoom < DISTRICT_MAX_ZOOM)
    areaLabels(map, features('district'), 'district', placer, put, FONT_BOLD, nameOf, bounds);
  if (zoom >= LABEL_MIN_ZOOM.landmark) {
    for (const f of features('landmark')) {
      const [lng, lat] = f.geometry.coordinates as [number, number];
      const p = map.latLngToContainerPoint([lat, lng]);
      const text = nameOf(f.properties as Props);
      const w = textWidth(text, FONT);
      for (const dx of [8 + w / 2, -8 - w / 2]) {
        const box = rotatedBox(p.x + dx, p.y, w, LINE_HEIGHT, 0);
        if (placer.place(box)) {
          put(text, 'landmark', p.x + dx, p.y);
          break;
        }
      }
    }
  }
  for (const cls of ['primary', 'secondary', 'minor'] as const) {
    if (zoom < LABEL_MIN_ZOOM[cls]) continue;
    for (const f of features('road').filter((r) => roadClass(r.properties as Props) === cls)) {
      const text = nameOf(f.properties as Props);
      const w = textWidth(text, FONT) + 6;
      for (const line of lines(f.geometry)) {
        const pts = line.map(([lng, lat]) => map.latLngToContainerPoint([lat!, lng!]));
        for (const run of visibleRuns(pts, size.x, size.y))
          for (const at of labelPointsAlong(run, w, ROAD_LABEL_SPACING)) {
            const box = rotatedBox(at.x, at.y, w, LINE_HEIGHT, at.angle);
            if (placer.place(box)) put(text, `road-${cls}`, at.x, at.y, at.angle);
          }
      }
    }
  }
  if (zoom >= LABEL_MIN_ZOOM.water) areaLabels(map, features('water'), 'water', placer, put, FONT, nameOf, bounds);
  if (zoom >= LABEL_MIN_ZOOM.park) areaLabels(map, features('park'), 'park', placer, put, FONT, nameOf, bounds);
  return labels;
}

/** A name in the middle of the visible part of each area's bounding box. */
function areaLabels(
  map: L.Map,
  features: Feature[],
  kind: string,
  placer: LabelPlacer,
  put: (text: string, kind: string, cx: number, cy: number, angle?: number, font?: string) => void,
  font: string,
  nameOf: (p: Props) => string,
  view: L.LatLngBounds,
): void {
  for (const f of features) {
    const b = L.geoJSON(f as unknown as GeoJsonInput).getBounds();
    if (!b.isValid() || !b.intersects(view)) continue;
    const south = Math.max(b.getSouth(), view.getSouth()),
      north = Math.min(b.getNorth(), view.getNorth());
    const west = Math.max(b.getWest(), view.getWest()),
      east = Math.min(b.getEast(), view.getEast());
    const p = map.latLngToContainerPoint([(south + north) / 2, (west + east) / 2]);
    const text = nameOf(f.properties as Props);
    const box = rotatedBox(p.x, p.y, textWidth(text, font), LINE_HEIGHT, 0);
    if (placer.place(box)) put(text, kind, p.x, p.y, 0, font);
  }
}
