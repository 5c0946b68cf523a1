// Playback delivery: /playback/<token>/{stream.mp4, map, index.m3u8, init-<id>.mp4, seg-<id>.m4s}; token and access checked each time.
import express, { type Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlaybackService } from '../recordings/playback-service';
import { hlsFile, hlsPlaylist, isHlsFileName, type SegmentLookup } from '../recordings/playback-hls';
import { HttpError } from './errors';
import type { ApiRouter } from './api-router';
import { checkGrantOrigin } from './live-routes';

const TOKEN = /^[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{2,4000}\.[A-Za-z0-9_-]{10,200}$/;

/** Resolves when the response drains or closes (listeners removed either way). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((ok) => {
    if (res.destroyed) return ok();
    const done = (): void => {
      res.off('drain', done).off('close', done);
      ok();
    };
    res.on('drain', done).on('close', done);
  });
}

export function playbackRouter(playback: PlaybackService, repo: SegmentLookup): Router {
  const r = express.Router();
  const grant = async (token: string, req: IncomingMessage) => {
    if (!TOKEN.test(token)) throw new HttpError(401, 'playback: malformed token');
    const g = await playback.access.authorize(token);
    // an embed token's footage only to its own origins
    checkGrantOrigin(req, [], g.principal, true);
    return g;
  };
  r.get('/:token/stream.mp4', async (req, res) => {
    const g = await grant(req.params.token, req);
    const chunks = playback.stream(g, async () => void (await grant(req.params.token, req)));
    // the first chunk (init) before any header: a plan that cannot be made is still a clean error
    const first = await chunks.next();
    res.set({ 'Content-Type': 'video/mp4', 'Cache-Control': 'no-store' });
    let closed = false;
    res.once('close', () => (closed = true));
    try {
      if (!first.done) res.write(first.value);
      for await (const c of chunks) {
        if (closed) break;
        if (!res.write(c)) await drained(res);
      }
      res.end();
    } catch {
      // access withdrawn or footage gone mid-stream: the stream ends where it is
      res.destroy();
    }
  });
  r.get('/:token/map', async (req, res) => {
    const g = await grant(req.params.token, req);
    res.set('Cache-Control', 'no-store').json(await playback.map(g));
  });
  r.get('/:token/:file', async (req, res) => {
    const { token, file } = req.params as { token: string; file: string };
    if (file !== 'index.m3u8' && !isHlsFileName(file)) throw new HttpError(404, 'no such playback file');
    const g = await grant(token, req);
    if (file === 'index.m3u8') {
      res.set({ 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' });
      res.send(await hlsPlaylist(playback, g));
      return;
    }
    res.set({ 'Content-Type': 'video/mp4', 'Cache-Control': 'private, max-age=3600' });
    res.send(await hlsFile(playback, g, file, repo));
  });
  return r;
}

/** Documents the playback delivery routes in the OpenAPI document (served outside /api/v1). */
export function documentPlayback(api: ApiRouter): void {
  const doc = (file: string, summary: string, type: string) =>
    api.document('get', `/playback/{token}/${file}`, 'playback', {
      summary,
      tags: ['recordings'],
      security: [],
      parameters: [
        { name: 'token', in: 'path', required: true, schema: { type: 'string' } },
        ...(file === '{file}' ? [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }] : []),
      ],
      responses: {
        200: { description: 'OK', content: { [type]: {} } },
        default: {
          description: 'Problem details',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    });
  doc(
    'stream.mp4',
    "A playback session's fragmented MP4: init, then its footage re-timed onto one continuous media timeline " +
      '(gaps jumped); ends where its map says. Access is re-checked before each segment.',
    'video/mp4',
  );
  doc(
    'map',
    'Wall clock of the stream: for each served segment its media start (s), duration, wall-clock start and end; the ' +
      'gaps jumped (wall-clock from/to, media time where the jump is); end; next (where to open the next session); ' +
      'endedBy: window, footage, or init-change (the camera was reconfigured: the next footage has other codec ' +
      'parameters or another size, so the stream ends with one init and the next session, at next, brings the new one).',
    'application/json',
  );
  doc(
    '{file}',
    'HLS VOD of the session: index.m3u8 (EXT-X-MAP, EXT-X-DISCONTINUITY at gaps, EXT-X-PROGRAM-DATE-TIME per segment, ' +
      'EXT-X-ENDLIST once the window is over), init-<segment id>.mp4 and seg-<segment id>.m4s',
    'application/vnd.apple.mpegurl',
  );
}
