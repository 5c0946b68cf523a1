// A base map drawn locally from GeoJSON: districts, water, parks and classed roads on a canvas, names placed without overlap.
import * as L from 'leaflet';
import { onLang } from '../core/i18n';
import { baseLabels } from './vector-labels';
import {
  roadClass,
  type Feature,
  type FeatureCollection,
  type GeoJsonInput,
  type Props,
  type RoadClass,
} from './vector-features';

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

/** Road width in pixels at zoom 15 (fill; the casing is 2 px wider), about 1.5 times per zoom level in. */
const ROAD_WIDTH: Record<RoadClass, number> = { primary: 9, secondary: 7, minor: 4 };

/** Errors loading the GeoJSON (HTTP status or parse failure), with the URL. */
export class VectorLayerError extends Error {
  override name = 'VectorLayerError';
}

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
    this.labelPane.replaceChildren(...baseLabels(map, fc));
  }
}
