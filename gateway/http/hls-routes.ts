// HLS delivery: /hls/<token>/<camera>.<profile>/<file> — token and visibility checked on every request.
import express, { type Router } from 'express';
import type { StreamService } from '../streams/stream-service';
import { HttpError } from './errors';
import { clientIp, type ApiRouter } from './api-router';

const KEY = /^\d{1,19}\.(main|sub)$/;
const FILE = /^(index\.m3u8|init\d{1,9}\.mp4|seg\d{1,12}\.m4s)$/;

export function hlsRouter(streams: StreamService): Router {
  const r = express.Router();
  r.get('/:token/:key/:file', async (req, res) => {
    const { token, key, file } = req.params as { token: string; key: string; file: string };
    // strict names before anything touches the disk: no '..', no encoded separators
    if (!KEY.test(key) || !FILE.test(file)) throw new HttpError(404, 'no such stream file');
    const path = await streams.file(token, key, file, clientIp(req));
    if (!path) throw new HttpError(404, 'no such stream file (rotated out or stream stopped)');
    const playlist = file.endsWith('.m3u8');
    res.set({
      'Cache-Control': playlist ? 'no-cache, no-store' : 'private, max-age=3600, immutable',
      'Content-Type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp4',
    });
    await new Promise<void>((resolve, reject) =>
      res.sendFile(path, { dotfiles: 'deny', acceptRanges: false, cacheControl: false, lastModified: false }, (err) => {
        if (!err) return resolve();
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !res.headersSent)
          reject(new HttpError(404, 'no such stream file (rotated out)'));
        else if (res.headersSent) resolve();
        else reject(err);
      }),
    );
  });
  return r;
}

/** Documents the HLS route in the OpenAPI document (served outside /api/v1). */
export function documentHls(api: ApiRouter): void {
  api.document('get', '/hls/{token}/{key}/{file}', 'view', {
    summary:
      'HLS playlist (index.m3u8), init segment (init<n>.mp4) or media segment (seg<n>.m4s) of a called stream; the token comes from POST /cameras/{id}/streams',
    tags: ['streams'],
    security: [],
    parameters: ['token', 'key', 'file'].map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    responses: {
      200: { description: 'playlist or fMP4 segment' },
      default: {
        description: 'Problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  });
}
