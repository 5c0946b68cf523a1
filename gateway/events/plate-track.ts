// "Where was plate X": the checkpoint reads of one plate over a time range, in time order, as a GeoJSON track whose
// points carry the read's time, checkpoint and image, and the nearest covering camera with the clip window at that time.
import type { Principal } from '../auth/policy';
import { ValidationError } from '../errors';
import type { EventSearch } from './event-search';
import type { EventVideoLinks } from './event-video';
import { livePath } from './event-video';
import { parsePlatePattern } from './plate-pattern';

export interface TrackOptions {
  /** Longest range asked for, in days. */
  maxDays: number;
  /** Most reads in one track (the newest are kept; `truncated` says so). */
  maxPoints: number;
}

/** The camera shown for a read and its clip: the window around the read's time (no session opened; see README). */
export interface TrackCamera {
  id: string;
  name: string;
  distanceM: number;
  covering: boolean;
  live: string;
  mayPlayback: boolean;
  /** Footage exists in [from, to); null without the playback right (not revealed). */
  footage: boolean | null;
  clip: { from: string; to: string };
}

export interface TrackPointProps {
  role: 'read';
  /** 1-based position in time order. */
  seq: number;
  eventId: string;
  at: string;
  plate: string;
  checkpoint: { id: number; code: string; name: string } | null;
  cameraId: string | null;
  imageUrl: string | null;
  direction: string | null;
  /** The event's own camera, else the nearest one covering the place, else the nearest within the radius; null: none. */
  camera: TrackCamera | null;
}

export interface PlateTrack {
  type: 'FeatureCollection';
  plate: string;
  from: string;
  to: string;
  truncated: boolean;
  features: Array<
    | {
        type: 'Feature';
        geometry: { type: 'LineString'; coordinates: Array<[number, number]> };
        properties: { role: 'track'; plate: string; points: number };
      }
    | { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: TrackPointProps }
  >;
}

export interface TrackDeps {
  search: Pick<EventSearch, 'search'>;
  links: EventVideoLinks;
  point(id: number): { id: number; code: string; name: string } | undefined;
}

const DAY_MS = 86_400_000;

export class PlateTracks {
  constructor(
    private readonly d: TrackDeps,
    private readonly o: TrackOptions,
  ) {}

  /** The track of `plate` (exact: no wildcards) over [from, to) as `p` may see it; ValidationError for bad input. */
  async track(p: Principal, plate: string, from: string, to: string): Promise<PlateTrack> {
    const q = parsePlatePattern(plate);
    if (!('exact' in q))
      throw new ValidationError(`events: plate track ${JSON.stringify(plate)}: an exact plate, without * or ?`, [
        { path: 'params.plate', message: 'an exact plate, no wildcards' },
      ]);
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!(toMs > fromMs))
      throw new ValidationError(`events: plate track: to ${to} is not after from ${from}`, [
        { path: 'query.to', message: 'must be after from' },
      ]);
    if (toMs - fromMs > this.o.maxDays * DAY_MS)
      throw new ValidationError(`events: plate track: a range of at most ${this.o.maxDays} days`, [
        { path: 'query.to', message: `at most ${this.o.maxDays} days after from` },
      ]);
    const found = await this.d.search.search(p, {
      kinds: ['anpr'],
      plate: q.exact,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      limit: this.o.maxPoints + 1,
    });
    const truncated = found.items.length > this.o.maxPoints;
    const reads = found.items.slice(0, this.o.maxPoints).reverse();
    const points: PlateTrack['features'] = [];
    for (const [i, e] of reads.entries()) {
      const pt = e.pointId !== null ? this.d.point(e.pointId) : undefined;
      const data = e.data as { imageUrl?: unknown; direction?: unknown };
      points.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [e.lng, e.lat] },
        properties: {
          role: 'read',
          seq: i + 1,
          eventId: e.id,
          at: e.at,
          plate: e.plate ?? q.exact,
          checkpoint: pt ? { id: pt.id, code: pt.code, name: pt.name } : null,
          cameraId: e.cameraId,
          imageUrl: typeof data.imageUrl === 'string' ? data.imageUrl : null,
          direction: typeof data.direction === 'string' ? data.direction : null,
          camera: await this.cameraOf(p, e),
        },
      });
    }
    const line: PlateTrack['features'] =
      reads.length >= 2
        ? [
            {
              type: 'Feature',
              geometry: { type: 'LineString', coordinates: reads.map((e) => [e.lng, e.lat] as [number, number]) },
              properties: { role: 'track', plate: q.exact, points: reads.length },
            },
          ]
        : [];
    return {
      type: 'FeatureCollection',
      plate: q.exact,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      truncated,
      features: [...line, ...points],
    };
  }

  private async cameraOf(p: Principal, e: Parameters<EventVideoLinks['camerasFor']>[1]): Promise<TrackCamera | null> {
    const { links } = this.d;
    const hit = links.camerasFor(p, e, 1).hits[0];
    const cam = hit ? links.cameraInfo(hit.id) : undefined;
    if (!hit || !cam) return null;
    const w = links.window(Date.parse(e.at));
    const f = await links.footageOf(p, hit.id, w);
    return {
      id: hit.id,
      name: cam.name,
      distanceM: hit.distanceM,
      covering: hit.covering,
      live: livePath(hit.id),
      mayPlayback: f.mayPlayback,
      footage: f.footage,
      clip: { from: w.from, to: w.to },
    };
  }
}
