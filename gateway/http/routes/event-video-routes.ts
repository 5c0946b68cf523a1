// Event → video: GET /events/{id}/video, /alarms/{id}/video (linked cameras, live call, playback of the event's window)
// and GET /plates/{plate}/track (a plate's checkpoint reads over a time range as GeoJSON, each with a camera and its clip).
import { z } from 'zod';
import { storedEventSchema } from '../../events/event-model';
import type { EventVideoLinks } from '../../events/event-video';
import type { PlateTracks } from '../../events/plate-track';
import type { ApiRouter } from '../api-router';

const session = z.object({
  sessionId: z.string(),
  stream: z.string().describe('/playback/<token>/stream.mp4 (fMP4 of the window)'),
  map: z.string(),
  hls: z.string(),
  start: z.string(),
  windowEnd: z.string(),
  expiresAt: z.string(),
});

const linkedCamera = z.object({
  id: z.string(),
  name: z.string(),
  lng: z.number(),
  lat: z.number(),
  distanceM: z.number().describe("metres from the event's place (0: the event's own camera)"),
  covering: z.boolean().describe("its view sector holds the event's place"),
  live: z.string().describe('POST here for the live stream: /api/v1/cameras/{id}/streams'),
  mayPlayback: z.boolean().describe('the caller has the playback right on this camera'),
  footage: z.boolean().nullable().describe('footage exists in the window; null without the playback right'),
  playback: session.nullable().describe('a playback session of the window; null without the right or the footage'),
});

const eventVideo = z.object({
  selection: z.enum(['event', 'covering', 'nearest', 'alarm', 'none']),
  event: storedEventSchema,
  from: z.string().describe('event time − events.video.preS'),
  to: z.string().describe('event time + events.video.postS'),
  cameras: z.array(linkedCamera),
});

const position = z.tuple([z.number(), z.number()]).describe('[lng, lat] WGS-84');
const trackCamera = z.object({
  id: z.string(),
  name: z.string(),
  distanceM: z.number(),
  covering: z.boolean(),
  live: z.string(),
  mayPlayback: z.boolean(),
  footage: z.boolean().nullable(),
  clip: z
    .object({ from: z.string(), to: z.string() })
    .describe('the window to play: POST /api/v1/cameras/{id}/playback { start: from, end: to }'),
});
const plateTrack = z.object({
  type: z.literal('FeatureCollection'),
  plate: z.string().describe('normalised: upper case, no spaces, dots or dashes'),
  from: z.string(),
  to: z.string(),
  truncated: z.boolean().describe('more than events.video.trackMaxPoints reads: the newest are kept'),
  features: z.array(
    z.union([
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position) }),
        properties: z.object({ role: z.literal('track'), plate: z.string(), points: z.number() }),
      }),
      z.object({
        type: z.literal('Feature'),
        geometry: z.object({ type: z.literal('Point'), coordinates: position }),
        properties: z.object({
          role: z.literal('read'),
          seq: z.number().describe('1-based, in time order'),
          eventId: z.string(),
          at: z.string(),
          plate: z.string(),
          checkpoint: z.object({ id: z.number(), code: z.string(), name: z.string() }).nullable(),
          cameraId: z.string().nullable(),
          imageUrl: z.string().nullable(),
          direction: z.string().nullable(),
          camera: trackCamera.nullable(),
        }),
      }),
    ]),
  ),
});

const instant = z.iso.datetime({ offset: true });

export function registerEventVideoRoutes(api: ApiRouter, links: EventVideoLinks, tracks: PlateTracks): void {
  const w = `−${links.o.preS} s … +${links.o.postS} s (events.video.preS/postS)`;
  api.add({
    method: 'get',
    path: '/events/{id}/video',
    tag: 'events',
    action: 'event-read',
    summary:
      "The cameras of an event as the caller may see them: the event's own camera, or for a checkpoint, alarm point or " +
      'position the nearest covering cameras (else the nearest within events.video.radiusM); each with its live stream ' +
      `call and, with the playback right, an audited playback session of the event's window ${w} and whether footage ` +
      'exists for it. 404 for an event the caller may not see.',
    params: z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'a numeric id') }),
    response: eventVideo,
    handler: ({ principal, params, ip }) => links.forEvent(principal, params.id, ip),
  });
  api.add({
    method: 'get',
    path: '/alarms/{id}/video',
    tag: 'alarms',
    action: 'alarm-read',
    summary:
      'The cameras the linkage rule chose for an alarm that the caller may still view, each with its live stream call ' +
      `and, with the playback right, an audited playback session of the window ${w} around the event's time.`,
    params: z.strictObject({ id: z.string().regex(/^\d{1,18}$/, 'a numeric id') }),
    response: eventVideo.extend({ alarmId: z.string() }),
    handler: ({ principal, params, ip }) => links.forAlarm(principal, params.id, ip),
  });
  api.add({
    method: 'get',
    path: '/plates/{plate}/track',
    tag: 'events',
    action: 'event-read',
    summary:
      'Where was a plate: its ANPR reads the caller may see in [from, to), in time order, as a GeoJSON ' +
      'FeatureCollection: a LineString through them (two reads or more), then one Point per read with its time, ' +
      'checkpoint, image URL and the camera that shows the place (its own, else the nearest covering one) with the ' +
      `clip window ${w} and whether footage exists. An exact plate (no wildcards); at most events.video.trackMaxDays.`,
    params: z.strictObject({ plate: z.string().min(1).max(32) }),
    query: z.strictObject({ from: instant, to: instant }),
    response: plateTrack,
    handler: ({ principal, params, query }) => tracks.track(principal, params.plate, query.from, query.to),
  });
}
