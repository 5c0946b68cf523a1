// Ingest of events from any source: validate each input, locate it (camera, point, position), check the source may, store.
import type { CameraAction, PolicyCamera, Principal } from '../auth/policy';
import { eventSubject } from '../auth/policy';
import { ForbiddenError, ValidationError, type FieldIssue } from '../errors';
import type { EventRow } from '../db/events-repo';
import type { EventPointRecord } from '../db/event-sources-repo';
import { dataOf, eventInputSchema, normalizePlate, typeOf, type EventInput, type StoredEvent } from './event-model';
import type { EventWriter } from './event-writer';

/** Who sends: a registered source (id) or a caller of the API (id null), acting as `principal`. */
export interface Sender {
  sourceId: number | null;
  /** Stored in the event's source column ("source:<name>", "user:<name>", the API key's name). */
  name: string;
  departmentId: number | null;
  principal: Principal;
}

export interface IngestDeps {
  writer: EventWriter;
  /** The camera as the directory knows it (position, department, tags), or undefined. */
  camera(id: string): PolicyCamera | undefined;
  /** Points registered under a code, in any department. */
  pointsByCode(code: string): EventPointRecord[];
  can(p: Principal, action: CameraAction, cam: PolicyCamera): boolean;
}

export interface IngestOptions {
  /** Oldest accepted event time, as days before now (the retention: older partitions are dropped). */
  retentionDays: number;
  /** How far in the future an event time may lie (device clocks run ahead), in seconds. */
  maxFutureS: number;
}

/** The answer for one input: its event id, and whether it repeated an id already accepted. */
export interface IngestResult {
  id: string;
  duplicate: boolean;
  /** The stored event (absent for a duplicate). */
  event?: StoredEvent;
}

export class EventIngest {
  constructor(
    private readonly deps: IngestDeps,
    private readonly opts: IngestOptions,
  ) {}

  /**
   * Validates every input first (a batch is stored whole or not at all), then stores them. `deviceClock`:
   * the times come from a device's own clock (vendor formats); one outside the accepted window is then
   * replaced by the receive time (kept in data.deviceAt) instead of refusing the event.
   * ValidationError (400): malformed input, unknown camera or point, a time outside the window;
   * ForbiddenError (403): a camera or point the sender's department may not see; RateLimitError (429).
   */
  async ingest(
    sender: Sender,
    inputs: unknown[],
    o: { defaultKey?: string | undefined; deviceClock?: boolean; path?: string } = {},
  ): Promise<IngestResult[]> {
    const now = Date.now();
    const rows = inputs.map((raw, i) => {
      const path = o.path ?? (inputs.length > 1 ? `body.events[${i}]` : 'body');
      const r = eventInputSchema.safeParse(raw);
      if (!r.success) {
        const issues: FieldIssue[] = r.error.issues.map((x) => ({
          path: [path, ...x.path.map(String)].join('.'),
          message: x.message,
        }));
        throw new ValidationError(`events: ${path} failed validation`, issues);
      }
      const key = r.data.id ?? (inputs.length === 1 ? o.defaultKey : undefined) ?? null;
      return this.row(sender, r.data, key, path, now, o.deviceClock ?? false);
    });
    const out = await this.deps.writer.submit(rows);
    return out.map((x) =>
      'stored' in x ? { id: x.stored.id, duplicate: false, event: x.stored } : { id: x.duplicateOf, duplicate: true },
    );
  }

  private row(s: Sender, e: EventInput, key: string | null, path: string, now: number, deviceClock: boolean): EventRow {
    const data = dataOf(e);
    let at = e.at ? Date.parse(e.at) : now;
    const oldest = now - this.opts.retentionDays * 86_400_000;
    if (at < oldest || at > now + this.opts.maxFutureS * 1000) {
      if (!deviceClock) {
        const message = `at must lie between ${new Date(oldest).toISOString()} (retention) and ${this.opts.maxFutureS} s from now`;
        throw new ValidationError(`events: ${path}.at ${e.at}: ${message}`, [{ path: `${path}.at`, message }]);
      }
      data.deviceAt = e.at;
      at = now;
    }
    const where = this.locate(s, e.location, path);
    const plate = e.kind === 'anpr' ? e.anpr.plate : null;
    return {
      at: new Date(at),
      kind: e.kind,
      type: typeOf(e),
      sourceId: s.sourceId,
      source: s.name,
      ...where,
      plate,
      plateNorm: plate === null ? null : normalizePlate(plate),
      data,
      key,
    };
  }

  private locate(
    s: Sender,
    l: EventInput['location'],
    path: string,
  ): Pick<EventRow, 'cameraId' | 'pointId' | 'departmentId' | 'lng' | 'lat'> {
    const who = s.sourceId === null ? s.name : `source ${s.sourceId} (${s.name})`;
    if (l.cameraId !== undefined) {
      const cam = this.deps.camera(l.cameraId);
      if (!cam)
        throw new ValidationError(`events: ${path}.location.cameraId: no camera ${l.cameraId}`, [
          { path: `${path}.location.cameraId`, message: `no camera ${l.cameraId}` },
        ]);
      if (!this.deps.can(s.principal, 'post-event', cam))
        throw new ForbiddenError(
          `events: ${who} may not post events for camera ${l.cameraId} (not visible to its department)`,
        );
      return {
        cameraId: cam.id,
        pointId: null,
        departmentId: cam.departmentId,
        lng: l.position?.lng ?? cam.lng,
        lat: l.position?.lat ?? cam.lat,
      };
    }
    if (l.point !== undefined) {
      const found = this.deps.pointsByCode(l.point);
      if (!found.length)
        throw new ValidationError(
          `events: ${path}.location.point: no checkpoint or alarm point ${JSON.stringify(l.point)}`,
          [{ path: `${path}.location.point`, message: `no point ${l.point}` }],
        );
      const mine = found.find((p) => p.departmentId === s.departmentId);
      const p =
        mine ??
        found.find((x) =>
          this.deps.can(
            s.principal,
            'post-event',
            eventSubject({ cameraId: null, departmentId: x.departmentId, lng: x.lng, lat: x.lat }),
          ),
        );
      if (!p)
        throw new ForbiddenError(
          `events: ${who} may not post events for point ${JSON.stringify(l.point)} (not visible to its department)`,
        );
      return {
        cameraId: null,
        pointId: p.id,
        departmentId: p.departmentId,
        lng: l.position?.lng ?? p.lng,
        lat: l.position?.lat ?? p.lat,
      };
    }
    const pos = l.position!;
    if (s.departmentId === null)
      throw new ValidationError(
        `events: ${path}.location: a sender without a department must locate by camera or point`,
        [{ path: `${path}.location`, message: 'camera or point required' }],
      );
    return { cameraId: null, pointId: null, departmentId: s.departmentId, lng: pos.lng, lat: pos.lat };
  }
}
