// Event → video: the cameras linked to an event or alarm as the caller may see them, each with its live stream call and,
// with the playback right, a playback session of the event's window (−preS … +postS) and whether footage exists for it.
import type { Principal, PolicyCamera } from '../auth/policy';
import { eventSubject } from '../auth/policy';
import type { Alarm } from '../alarms/alarm-model';
import { chooseCameras, type CameraChooser } from '../alarms/alarm-raiser';
import { NotFoundError } from '../errors';
import type { StoredEvent } from './event-model';

/** The window of footage shown for an event, in seconds before and after its time, and how its cameras are chosen. */
export interface VideoOptions {
  preS: number;
  postS: number;
  /** Cameras chosen for an event located by a point or position (the nearest covering ones). */
  cameraCount: number;
  /** When no camera covers the place: the nearest within this radius (metres). */
  radiusM: number;
}

/** A playback session as PlaybackService.open answers it (the fields the links pass on). */
export interface ClipSession {
  sessionId: string;
  stream: string;
  map: string;
  hls: string;
  start: string;
  windowEnd: string;
  expiresAt: string;
}

/** What the links need of the policy, the cameras, footage and alarms (the wiring provides them; STYLE §5). */
export interface EventVideoDeps {
  event(id: string): Promise<StoredEvent | null>;
  /** A camera as the policy and the map see it now; undefined when unknown or deleted. */
  camera(id: string): (PolicyCamera & { name: string }) | undefined;
  can(p: Principal, action: 'view' | 'playback', cam: PolicyCamera): boolean;
  chooser: CameraChooser;
  /** Whether indexed footage of the camera's main profile overlaps [fromMs, toMs). */
  hasFootage(cameraId: string, fromMs: number, toMs: number): Promise<boolean>;
  /** Opens an audited playback session of [start, end] (PlaybackService.open). */
  openPlayback(
    p: Principal,
    cameraId: string,
    window: { start: string; end: string; reason: string },
    ip: string,
  ): Promise<ClipSession>;
  /** The alarm when `p` may read it, and its cameras `p` may still view (AlarmService.get); NotFound otherwise. */
  alarm(
    p: Principal,
    id: string,
  ): Promise<{
    alarm: Alarm;
    event: StoredEvent | null;
    cameras: Array<{ cameraId: string; distanceM: number; covering: boolean }>;
  }>;
}

/** One linked camera: where it is, how it was chosen, its live call, and the clip of the event's window. */
export interface LinkedCamera {
  id: string;
  name: string;
  lng: number;
  lat: number;
  /** Metres from the event's place (0 for the event's own camera). */
  distanceM: number;
  /** Its view sector holds the event's place (the event's own camera: true). */
  covering: boolean;
  /** POST here for the live stream (signed WebSocket/HLS URLs, audited as any stream call). */
  live: string;
  /** The caller may play this camera's footage back. */
  mayPlayback: boolean;
  /** Whether footage exists for the window; null without the playback right (not revealed). */
  footage: boolean | null;
  /** The playback session of the window; null without the right or without footage. */
  playback: ClipSession | null;
}

export interface EventVideo {
  /** 'event' (its own camera), 'covering' / 'nearest' (chosen around its place), 'alarm' (the alarm's cameras), 'none'. */
  selection: 'event' | 'covering' | 'nearest' | 'alarm' | 'none';
  event: StoredEvent;
  from: string;
  to: string;
  cameras: LinkedCamera[];
}

export const livePath = (cameraId: string): string => `/api/v1/cameras/${cameraId}/streams`;

export class EventVideoLinks {
  constructor(
    private readonly d: EventVideoDeps,
    readonly o: VideoOptions,
  ) {}

  /** A camera as the map shows it (name, position); undefined when unknown or deleted. */
  cameraInfo(id: string): { name: string; lng: number; lat: number } | undefined {
    return this.d.camera(id);
  }

  /** The clip window of an instant: [at − preS, at + postS] as ISO strings and ms. */
  window(atMs: number): { from: string; to: string; fromMs: number; toMs: number } {
    const fromMs = atMs - this.o.preS * 1000;
    const toMs = atMs + this.o.postS * 1000;
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), fromMs, toMs };
  }

  /** The event when `p` may see it (as the event search decides); NotFound otherwise (existence not revealed). */
  async visibleEvent(p: Principal, id: string): Promise<StoredEvent> {
    const e = /^\d{1,19}$/.test(id) ? await this.d.event(id) : null;
    const cam = e?.cameraId ? this.d.camera(e.cameraId) : undefined;
    if (!e || !this.d.can(p, 'view', eventSubject(e, cam))) throw new NotFoundError(`events: no event ${id}`);
    return e;
  }

  /**
   * The cameras that show an event's place to `p`: its own camera when it has one and `p` may view it; else the
   * `limit` nearest covering cameras `p` may see (the alarm raiser's choice, with `p` as the principal).
   */
  camerasFor(
    p: Principal,
    e: StoredEvent,
    limit = this.o.cameraCount,
  ): { selection: EventVideo['selection']; hits: Array<{ id: string; distanceM: number; covering: boolean }> } {
    if (e.cameraId) {
      const cam = this.d.camera(e.cameraId);
      if (cam && this.d.can(p, 'view', cam))
        return { selection: 'event', hits: [{ id: cam.id, distanceM: 0, covering: true }] };
    }
    const { hits, selection } = chooseCameras(this.d.chooser, p, { cameraCount: limit, radiusM: this.o.radiusM }, e);
    return {
      selection,
      hits: hits.map((h) => ({ id: h.camera.id, distanceM: h.distanceM, covering: h.covering ?? false })),
    };
  }

  /** Whether `p` may play camera `id` back, and (only then) whether footage exists for the window. */
  async footageOf(
    p: Principal,
    id: string,
    w: { fromMs: number; toMs: number },
  ): Promise<{ mayPlayback: boolean; footage: boolean | null }> {
    const cam = this.d.camera(id);
    if (!cam || !this.d.can(p, 'playback', cam)) return { mayPlayback: false, footage: null };
    // footage cannot lie in the future: a window starting after now has none
    const footage = w.fromMs <= Date.now() && (await this.d.hasFootage(id, w.fromMs, w.toMs));
    return { mayPlayback: true, footage };
  }

  /** GET /events/{id}/video. */
  async forEvent(p: Principal, id: string, ip: string): Promise<EventVideo> {
    const e = await this.visibleEvent(p, id);
    const { selection, hits } = this.camerasFor(p, e);
    return this.link(p, e, selection, hits, ip, `event ${e.id}`);
  }

  /** GET /alarms/{id}/video: the cameras the raiser chose for the alarm that `p` may still view. */
  async forAlarm(p: Principal, id: string, ip: string): Promise<EventVideo & { alarmId: string }> {
    const { alarm, event, cameras } = await this.d.alarm(p, id);
    // the event may have been dropped by retention: the alarm keeps its time and place
    const e: StoredEvent = event ?? {
      id: alarm.eventId,
      at: alarm.eventAt,
      receivedAt: alarm.eventAt,
      kind: alarm.kind as StoredEvent['kind'],
      type: alarm.type,
      sourceId: null,
      source: '',
      cameraId: null,
      pointId: null,
      departmentId: alarm.departmentId,
      lng: alarm.lng,
      lat: alarm.lat,
      plate: null,
      data: {},
    };
    const hits = cameras.map((c) => ({ id: c.cameraId, distanceM: c.distanceM, covering: c.covering }));
    return {
      alarmId: alarm.id,
      ...(await this.link(p, e, hits.length ? 'alarm' : 'none', hits, ip, `alarm ${alarm.id}`)),
    };
  }

  private async link(
    p: Principal,
    e: StoredEvent,
    selection: EventVideo['selection'],
    hits: Array<{ id: string; distanceM: number; covering: boolean }>,
    ip: string,
    reason: string,
  ): Promise<EventVideo> {
    const w = this.window(Date.parse(e.at));
    const cameras: LinkedCamera[] = [];
    for (const h of hits) {
      const cam = this.d.camera(h.id);
      if (!cam) continue;
      const f = await this.footageOf(p, h.id, w);
      const playback = f.footage
        ? await this.d.openPlayback(p, h.id, { start: w.from, end: w.to, reason }, ip).catch((err: unknown) => {
            // footage removed between the two reads: reported as none rather than failing the whole answer
            if (err instanceof NotFoundError) return null;
            throw err;
          })
        : null;
      cameras.push({
        id: cam.id,
        name: cam.name,
        lng: cam.lng,
        lat: cam.lat,
        distanceM: h.distanceM,
        covering: h.covering,
        live: livePath(cam.id),
        mayPlayback: f.mayPlayback,
        footage: playback ? true : f.footage === null ? null : false,
        playback,
      });
    }
    return { selection: cameras.length ? selection : 'none', event: e, from: w.from, to: w.to, cameras };
  }
}
