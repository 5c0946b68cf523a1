// Recorded footage: GET /cameras/{id}/recordings (spans and gaps from the index), POST /cameras/{id}/playback (a session).
import { z } from 'zod';
import { PROFILE } from '../../contract';
import type { PlaybackService } from '../../recordings/playback-service';
import { SPEEDS } from '../../recordings/playback-types';
import type { ApiRouter } from '../api-router';

const idParam = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'camera ids are decimal integers') });
const instant = z
  .string()
  .max(64)
  .describe('ISO 8601 with a time zone: 2026-12-06T18:00:00+08:00 or 2026-12-06T10:00:00Z (no offset: 400)');

export const spansQuery = z.strictObject({
  from: instant,
  to: instant.describe('after from; at most recording.playback.maxSpanDays (31) days after it; may be in the future'),
  profile: PROFILE.default('main'),
});

export const playbackRequest = z.strictObject({
  start: instant.describe('wall-clock time to play from; the stream starts at the keyframe at or before it'),
  profile: PROFILE.default('main'),
  speed: z
    .union(SPEEDS.map((v) => z.literal(v)) as [z.ZodLiteral<1>, ...Array<z.ZodLiteral<(typeof SPEEDS)[number]>>])
    .default(1)
    .describe(
      '1, 2, 4 or 8: the player applies it (HTMLMediaElement.playbackRate); 16 or 32: stream.mp4 carries keyframes ' +
        'only, each shown for its GOP time divided by the speed (the map gives each segment its rate)',
    ),
  reason: z.string().min(1).max(400).optional().describe('why the footage is watched (audited)'),
  end: instant
    .optional()
    .describe(
      'where the session ends (a clip): after start, at most recording.playback.windowS after it; default the window',
    ),
});

const span = z.object({
  start: z.string(),
  end: z.string(),
  kind: z
    .enum(['continuous', 'event', 'mixed', 'device'])
    .describe("device: kept by the camera's own device (a GB/T 28181 NVR; RecordInfo), played from it"),
});

export function registerRecordingRoutes(api: ApiRouter, playback: PlaybackService): void {
  api.add({
    method: 'get',
    path: '/cameras/{id}/recordings',
    tag: 'recordings',
    action: 'playback',
    summary:
      "Spans of a camera's recorded footage over [from, to) (at most 31 days), each with its kind, and the gaps between " +
      'them, from the index. from in the future, to not after from, a range too long, or a time without a time zone: ' +
      "400. A camera the caller may not see: 404; a deleted camera's footage: admins only. A lower platform's camera " +
      '(cascade): its spans as that platform lists them; 403 when it does not share the footage, 503 when not linked.',
    params: idParam,
    query: spansQuery,
    response: z.object({
      camera: z.string(),
      profile: PROFILE,
      from: z.string(),
      to: z.string(),
      spans: z.array(span),
      gaps: z.array(z.object({ start: z.string(), end: z.string(), seconds: z.number() })),
      deviceError: z.string().optional().describe("why the camera's device could not list its footage"),
    }),
    handler: ({ principal, params, query }) => playback.spans(principal, params.id, query),
  });
  api.add({
    method: 'post',
    path: '/cameras/{id}/playback',
    tag: 'recordings',
    action: 'playback',
    status: 201,
    auditRefusal: { action: 'playback.open', targetType: 'camera' },
    summary:
      'Open a playback session at a start time (audited with the time range): signed URLs of (a) an fMP4 stream ' +
      '(stream.mp4: init, then the footage from the keyframe at or before start, through gaps, on one continuous media ' +
      'timeline) with its map (wall-clock time of every served segment on that timeline, and the gaps jumped), and (b) ' +
      'HLS VOD (index.m3u8: EXT-X-PROGRAM-DATE-TIME per segment, EXT-X-DISCONTINUITY at gaps). A session covers ' +
      'recording.playback.windowS of footage; the map says where the next one starts. Seek: open a new session. ' +
      'Speed 1–8: applied by the player (playbackRate); 16 and 32: keyframes only, by the server (stream.mp4). ' +
      '404 when there is no footage there.',
    params: idParam,
    body: playbackRequest,
    response: z.object({
      sessionId: z.string(),
      stream: z.string().describe('/playback/<token>/stream.mp4'),
      map: z.string().describe('/playback/<token>/map'),
      hls: z.string().describe('/playback/<token>/index.m3u8'),
      start: z.string(),
      windowEnd: z.string(),
      firstSegmentStart: z.string(),
      speed: z.number(),
      expiresAt: z.string(),
    }),
    handler: ({ principal, params, body, ip }) => playback.open(principal, params.id, body, ip),
  });
}
