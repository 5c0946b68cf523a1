// Event search: kind, type, time, camera/point, plate (exact or pattern), area (bbox, circle, polygon), filtered by the policy.
import { compileArea, distanceM } from '../../gis/index';
import { circleBounds } from '../../gis/geodesy';
import { pointInArea } from '../../gis/point-in-polygon';
import type { CompiledArea } from '../../gis/geojson';
import { eventSubject, type PolicyCamera, type Principal } from '../auth/policy';
import { decodeEventCursor, encodeEventCursor, type EventSqlFilter } from '../db/events-repo';
import type { EventKind, StoredEvent } from './event-model';
import { parsePlatePattern } from './plate-pattern';

export type EventArea =
  | { bbox: [number, number, number, number] }
  | { circle: { lng: number; lat: number; radiusM: number } }
  | { polygon: unknown };

export interface EventQuery {
  kinds?: EventKind[] | undefined;
  type?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cameraId?: string | undefined;
  pointId?: number | undefined;
  /** Exact ("湘J12345") or a pattern with * (any run) and ? (one character). */
  plate?: string | undefined;
  area?: EventArea | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface SearchDeps {
  page(f: EventSqlFilter, limit: number, after: { at: Date; id: string } | null): Promise<StoredEvent[]>;
  camera(id: string): PolicyCamera | undefined;
  /** The caller's visibility test (gateway/auth AccessControl.predicate) and departments it may see (null: all). */
  predicate(p: Principal): (cam: PolicyCamera) => boolean;
  departments(p: Principal): number[] | null;
}

/** At most this many rows are read for one page; then the page ends early with a cursor to go on. */
const MAX_SCAN = 20_000;

export class EventSearch {
  constructor(private readonly deps: SearchDeps) {}

  /**
   * Newest first. The SQL narrows by the filters, the plate indexes, a bounding box and the departments
   * the caller may see anything of; the exact area and the policy (per camera, point or position, as
   * `eventSubject` says) are applied to each row before the page is cut, so a page is never short of
   * visible events while more exist (unless MAX_SCAN rows were read: then nextCursor continues).
   */
  async search(p: Principal, q: EventQuery): Promise<{ items: StoredEvent[]; nextCursor: string | null }> {
    const visible = this.deps.predicate(p);
    const inArea = this.areaTest(q.area);
    const sql: EventSqlFilter = {
      kinds: q.kinds,
      type: q.type,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      cameraId: q.cameraId,
      pointId: q.pointId,
      plate: q.plate ? parsePlatePattern(q.plate) : undefined,
      bbox: inArea?.bbox,
      departments: this.deps.departments(p),
    };
    const items: StoredEvent[] = [];
    let after = decodeEventCursor(q.cursor);
    let scanned = 0;
    const chunk = Math.min(1000, Math.max(50, q.limit * 2));
    for (;;) {
      const rows = await this.deps.page(sql, chunk, after);
      for (const e of rows) {
        scanned++;
        after = { at: new Date(e.at), id: e.id };
        if (inArea && !inArea.test(e.lng, e.lat)) continue;
        const cam = e.cameraId ? this.deps.camera(e.cameraId) : undefined;
        if (!visible(eventSubject(e, cam))) continue;
        items.push(e);
        if (items.length === q.limit) return { items, nextCursor: encodeEventCursor(e) };
      }
      if (rows.length < chunk) return { items, nextCursor: null };
      if (scanned >= MAX_SCAN)
        return { items, nextCursor: after ? encodeEventCursor({ at: after.at.toISOString(), id: after.id }) : null };
    }
  }

  private areaTest(
    a: EventArea | undefined,
  ): { bbox: [number, number, number, number]; test(lng: number, lat: number): boolean } | undefined {
    if (!a) return undefined;
    if ('bbox' in a) return { bbox: a.bbox, test: () => true };
    if ('circle' in a) {
      const c = a.circle;
      return {
        bbox: circleBounds(c.lng, c.lat, c.radiusM),
        test: (lng, lat) => distanceM(c.lng, c.lat, lng, lat) <= c.radiusM,
      };
    }
    const area: CompiledArea = compileArea(a.polygon, 'query.polygon');
    return {
      bbox: area.bbox as [number, number, number, number],
      test: (lng, lat) => pointInArea(lng, lat, area),
    };
  }
}
