// Grids (网格) and key places: polygons with a bbox index, point location, and cameras inside a polygon.
import Flatbush from 'flatbush';
import type { CameraIndex } from './camera-index';
import { GisInputError } from './errors';
import { compileArea, type CompiledArea } from './geojson';
import { pointInArea } from './point-in-polygon';
import { checkLngLat } from './validate';
import type { AreaGeometry, CameraHit, CameraId, QueryOptions } from './types';

/** One loaded polygon. `kind` is free text such as "grid" or "key-place". */
export interface Place {
  id: CameraId;
  name: string;
  kind: string;
  geometry: AreaGeometry;
  /** Planar area in square degrees (only for ordering: smaller = more specific). */
  areaDeg2: number;
}

interface Loaded extends Place {
  area: CompiledArea;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ringArea(r: Float64Array): number {
  let a = 0;
  for (let i = 0; i < r.length - 2; i += 2)
    a += (r[i] as number) * (r[i + 3] as number) - (r[i + 2] as number) * (r[i + 1] as number);
  return Math.abs(a / 2);
}

/**
 * A static set of polygons (reload to change). `load()` takes a GeoJSON FeatureCollection of
 * Polygon/MultiPolygon features whose id comes from `feature.id` or `properties.id`, with
 * `properties.name` and `properties.kind`. Lookups use a Flatbush over the polygons' boxes, then
 * exact point-in-polygon (edges inclusive).
 */
export class PolygonLayer {
  private places: Loaded[] = [];
  private byId = new Map<CameraId, Loaded>();
  private tree: Flatbush | null = null;

  /** Replaces the layer; throws GisInputError with a path such as "features[3].geometry.coordinates[0]". */
  load(collection: unknown, path = 'features'): void {
    if (!isObj(collection) || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features))
      throw new GisInputError(
        path,
        'must be a GeoJSON FeatureCollection',
        isObj(collection) ? collection.type : collection,
      );
    const places: Loaded[] = [];
    const byId = new Map<CameraId, Loaded>();
    collection.features.forEach((f: unknown, i: number) => {
      const fp = `${path}[${i}]`;
      if (!isObj(f) || f.type !== 'Feature') throw new GisInputError(fp, 'must be a GeoJSON Feature', f);
      const props = isObj(f.properties) ? f.properties : {};
      const id = (f.id ?? props.id) as unknown;
      if (!(typeof id === 'number' || (typeof id === 'string' && id !== '')))
        throw new GisInputError(`${fp}.id`, 'must be a number or non-empty string', id);
      if (byId.has(id)) throw new GisInputError(`${fp}.id`, 'is a duplicate', id);
      const area = compileArea(f.geometry, `${fp}.geometry`);
      const areaDeg2 = area.polygons.reduce(
        (sum, p) => sum + ringArea(p.rings[0] as Float64Array) - p.rings.slice(1).reduce((h, r) => h + ringArea(r), 0),
        0,
      );
      const place: Loaded = {
        id,
        name: typeof props.name === 'string' ? props.name : String(id),
        kind: typeof props.kind === 'string' ? props.kind : 'area',
        geometry: f.geometry as AreaGeometry,
        areaDeg2,
        area,
      };
      places.push(place);
      byId.set(id, place);
    });
    let tree: Flatbush | null = null;
    if (places.length > 0) {
      tree = new Flatbush(places.length);
      for (const p of places) tree.add(p.area.bbox[0], p.area.bbox[1], p.area.bbox[2], p.area.bbox[3]);
      tree.finish();
    }
    this.places = places;
    this.byId = byId;
    this.tree = tree;
  }

  get size(): number {
    return this.places.length;
  }

  get(id: CameraId): Place | undefined {
    return this.strip(this.byId.get(id));
  }

  /** Every polygon containing (lng, lat) (edges inclusive), smallest first, then by id; optionally one kind only. */
  locate(lng: number, lat: number, kind?: string): Place[] {
    checkLngLat(lng, lat);
    if (!this.tree) return [];
    const out: Loaded[] = [];
    for (const i of this.tree.search(lng, lat, lng, lat)) {
      const p = this.places[i] as Loaded;
      if ((kind === undefined || p.kind === kind) && pointInArea(lng, lat, p.area)) out.push(p);
    }
    out.sort((a, b) => a.areaDeg2 - b.areaDeg2 || String(a.id).localeCompare(String(b.id)));
    return out.map((p) => this.strip(p) as Place);
  }

  /**
   * The id of the smallest polygon containing (lng, lat), optionally of one kind: the first of
   * `locate()`, found without building its list (a nearby answer asks this once per camera).
   */
  smallestContaining(lng: number, lat: number, kind?: string): CameraId | undefined {
    checkLngLat(lng, lat);
    if (!this.tree) return undefined;
    let best: Loaded | undefined;
    for (const i of this.tree.search(lng, lat, lng, lat)) {
      const p = this.places[i] as Loaded;
      if (kind !== undefined && p.kind !== kind) continue;
      if (
        best !== undefined &&
        (p.areaDeg2 > best.areaDeg2 ||
          (p.areaDeg2 === best.areaDeg2 && String(p.id).localeCompare(String(best.id)) >= 0))
      )
        continue;
      if (pointInArea(lng, lat, p.area)) best = p;
    }
    return best?.id;
  }

  /** Visible cameras inside the polygon `polygonId`, ordered as CameraIndex.withinPolygon. */
  camerasIn(polygonId: CameraId, index: CameraIndex, options: QueryOptions = {}): CameraHit[] {
    const p = this.byId.get(polygonId);
    if (!p) throw new GisInputError('polygonId', 'is not a loaded polygon', polygonId);
    return index.withinPolygon(p.geometry, options);
  }

  private strip(p: Loaded | undefined): Place | undefined {
    if (!p) return undefined;
    return { id: p.id, name: p.name, kind: p.kind, geometry: p.geometry, areaDeg2: p.areaDeg2 };
  }
}
