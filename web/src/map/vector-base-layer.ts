// A base map drawn locally from GeoJSON: districts, water, parks and classed roads on a canvas, names placed without overlap.
import * as L from 'leaflet';
import { currentLang, onLang } from '../core/i18n';
import { LabelPlacer, labelPointsAlong, rotatedBox, textWidth, visibleRuns } from './label-placer';

/** Colours of the drawn map; road fills are distinct from everything else so they can be told apart on screen. */
export const VECTOR_COLOURS = {
  land: '#f4f1ea',
  district: '#8e7fb0',
  water: '#a8cbe6',
  park: '#cde6bf',
  primary: '#f6bf3c',
  primaryCasing: '#c48a1c',
  secondary: '#ffffff',
  secondaryCasing: '#b5bcc5',
  minor: '#ffffff',
  minorCasing: '#d3d8de',
  landmark: '#c2453a',
} as const;

type RoadClass = 'primary' | 'secondary' | 'minor';
/** Road width in pixels at zoom 15 (fill; the casing is 2 px wider), about 1.5 times per zoom level in. */
const ROAD_WIDTH: Record<RoadClass, number> = { primary: 9, secondary: 7, minor: 4 };
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

type Props = { kind?: string; class?: string; name?: string; nameEn?: string };
type Position = number[];
/** The GeoJSON the layer reads (RFC 7946; only what it uses is typed here). */
interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates?: unknown };
  properties: Props | null;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}
type GeoJsonInput = Parameters<typeof L.geoJSON>[0];

/** Errors loading the GeoJSON (HTTP status or parse failure), with the URL. */
export class VectorLayerError extends Error {
  override name = 'VectorLayerError';
}

const roadClass = (p: Props): RoadClass => (p.class === 'primary' || p.class === 'secondary' ? p.class : 'minor');

export class VectorBaseLayer extends L.Layer {
  private data: FeatureCollection | null = null;
  private loading: Promise<FeatureCollection> | null = null;
  private readonly group = L.layerGroup();
  /** The road layers by class, casing and fill, restyled on zoom. */
  private roads: Array<{ cls: RoadClass; casing: boolean; layer: L.GeoJSON }> = [];
  private renderer: L.Canvas | null = null;
  private labelPane: HTMLElement | null = null;
  private offLang: (() => void) | null = null;
  private savedBackground = '';

  /** @param onError called once per failed load (the base map falls back to the offline grid) */
  constructor(
    readonly url: string,
    private readonly opts: { attribution?: string; onError?: (err: Error) => void } = {},
  ) {
    super();
    // L.Layer keeps no options of its own: the attribution control reads them from here
    L.Util.setOptions(this, { attribution: opts.attribution ?? '' });
  }

  override onAdd(map: L.Map): this {
    const pane = map.getPane('ceBase') ?? map.createPane('ceBase');
    pane.style.zIndex = '200';
    this.labelPane = map.getPane('ceBaseLabels') ?? map.createPane('ceBaseLabels');
    this.labelPane.style.zIndex = '350';
    this.labelPane.style.pointerEvents = 'none';
    this.renderer = L.canvas({ pane: 'ceBase', padding: 0.5 });
    this.savedBackground = map.getContainer().style.background;
    map.getContainer().style.background = VECTOR_COLOURS.land;
    this.group.addTo(map);
    map.on('zoomstart', this.hideLabels, this);
    map.on('zoomend', this.restyle, this);
    map.on('moveend resize', this.drawLabels, this);
    this.offLang = onLang(() => this.drawLabels());
    this.load().then(
      () => {
        if (this._map === map) this.draw();
      },
      (err: Error) => this.opts.onError?.(err),
    );
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('zoomstart', this.hideLabels, this);
    map.off('zoomend', this.restyle, this);
    map.off('moveend resize', this.drawLabels, this);
    this.offLang?.();
    this.offLang = null;
    this.group.clearLayers();
    this.group.remove();
    this.labelPane?.replaceChildren();
    map.getContainer().style.background = this.savedBackground;
    return this;
  }

  /** Whether the GeoJSON has been drawn (tests and the fallback check wait for it). */
  get drawn(): boolean {
    return this.group.getLayers().length > 0;
  }

  private load(): Promise<FeatureCollection> {
    if (this.data) return Promise.resolve(this.data);
    this.loading ??= fetch(this.url)
      .then(async (res) => {
        if (!res.ok) throw new VectorLayerError(`vector-base-layer: ${this.url} answered ${res.status}`);
        const fc = (await res.json()) as FeatureCollection;
        if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
          throw new VectorLayerError(`vector-base-layer: ${this.url} is not a GeoJSON FeatureCollection`);
        }
        this.data = fc;
        return fc;
      })
      .catch((err: unknown) => {
        this.loading = null;
        throw err instanceof Error ? err : new VectorLayerError(String(err));
      });
    return this.loading;
  }

  private widthAt(cls: RoadClass): number {
    const z = this._map?.getZoom() ?? 15;
    return Math.max(1, Math.min(24, ROAD_WIDTH[cls] * 2 ** ((z - 15) * 0.6)));
  }

  private draw(): void {
    const fc = this.data;
    if (!fc) return;
    this.group.clearLayers();
    const renderer = this.renderer!;
    const of = (kind: string): Feature[] => fc.features.filter((f) => (f.properties as Props | null)?.kind === kind);
    const geo = (features: Feature[], style: L.PathOptions | ((f?: Feature) => L.PathOptions)): L.GeoJSON =>
      L.geoJSON(
        { type: 'FeatureCollection', features } as unknown as GeoJsonInput,
        {
          interactive: false,
          style,
          pointToLayer: (_f, at) =>
            L.circleMarker(at, {
              renderer,
              radius: 4,
              color: '#fff',
              weight: 1.5,
              fillColor: VECTOR_COLOURS.landmark,
              fillOpacity: 1,
              interactive: false,
            }),
        } as L.GeoJSONOptions,
      );
    this.group.addLayer(
      geo(of('district'), { renderer, color: VECTOR_COLOURS.district, weight: 1.5, dashArray: '6 4', fill: false }),
    );
    this.group.addLayer(geo(of('water'), { renderer, stroke: false, fillColor: VECTOR_COLOURS.water, fillOpacity: 1 }));
    this.group.addLayer(geo(of('park'), { renderer, stroke: false, fillColor: VECTOR_COLOURS.park, fillOpacity: 1 }));
    const roads = of('road');
    const classes: RoadClass[] = ['minor', 'secondary', 'primary'];
    // casings of every class under every fill: crossings read as junctions, not as overpasses
    this.roads = [];
    for (const casing of [true, false])
      for (const cls of classes) {
        const colour = casing ? VECTOR_COLOURS[`${cls}Casing`] : VECTOR_COLOURS[cls];
        const layer = geo(
          roads.filter((f) => roadClass(f.properties as Props) === cls),
          { renderer, color: colour, lineCap: 'round', lineJoin: 'round' },
        );
        this.roads.push({ cls, casing, layer });
        this.group.addLayer(layer);
      }
    this.group.addLayer(geo(of('landmark'), {}));
    this.restyle();
  }

  /** Road widths follow the zoom; the names are placed again. */
  private restyle(): void {
    for (const r of this.roads) r.layer.setStyle({ weight: this.widthAt(r.cls) + (r.casing ? 2 : 0) });
    this.drawLabels();
  }

  private hideLabels(): void {
    this.labelPane?.replaceChildren();
  }

  /** Names in the interface language, by priority, each kept only where it fits clear of the others. */
  private drawLabels(): void {
    const map = this._map;
    const fc = this.data;
    if (!map || !fc || !this.labelPane) return;
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
      this.areaLabels(features('district'), 'district', placer, put, FONT_BOLD, nameOf, bounds);
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
    if (zoom >= LABEL_MIN_ZOOM.water) this.areaLabels(features('water'), 'water', placer, put, FONT, nameOf, bounds);
    if (zoom >= LABEL_MIN_ZOOM.park) this.areaLabels(features('park'), 'park', placer, put, FONT, nameOf, bounds);
    this.labelPane.replaceChildren(...labels);
  }

  /** A name in the middle of the visible part of each area's bounding box. */
  private areaLabels(
    features: Feature[],
    kind: string,
    placer: LabelPlacer,
    put: (text: string, kind: string, cx: number, cy: number, angle?: number, font?: string) => void,
    font: string,
    nameOf: (p: Props) => string,
    view: L.LatLngBounds,
  ): void {
    const map = this._map!;
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
}

/** The polylines of a line geometry (LineString or MultiLineString); none for other types. */
function lines(g: Feature['geometry']): Position[][] {
  if (g.type === 'LineString') return [g.coordinates as Position[]];
  if (g.type === 'MultiLineString') return g.coordinates as Position[][];
  return [];
}
