// HLS delivery from memory: /hls/<token>/<key>/<file> — token and visibility checked on every request; LL-HLS reloads.
import express, { type Router } from 'express';
import type { StreamService } from '../streams/stream-service';
import { deliverHls } from '../streams/hls-delivery';
import { ValidationError } from '../errors';
import { HttpError } from './errors';
import { clientIp, type ApiRouter } from './api-router';
import { checkGrantOrigin } from './live-routes';
import { forwardRequest, forwardTarget, type StreamRouting } from './node-proxy';

const KEY = /^\d{1,19}\.(main|sub)(\.h264)?$/;
const FILE = /^(index\.m3u8|init\d{1,9}\.mp4|seg\d{1,12}\.m4s|part\d{1,12}\.\d{1,4}\.m4s)$/;
const COUNTER = /^\d{1,9}$/;

/** _HLS_msn / _HLS_part of a blocking playlist reload (RFC 8216bis 6.2.5.2): decimal, _HLS_part only with _HLS_msn. */
function reloadParams(q: Record<string, unknown>): { msn?: number; part?: number } {
  const one = (name: string): number | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !COUNTER.test(v))
      throw new ValidationError(`hls: ${name} must be a decimal integer`, [
        { path: `query.${name}`, message: 'a decimal integer' },
      ]);
    return Number(v);
  };
  const msn = one('_HLS_msn');
  const part = one('_HLS_part');
  if (part !== undefined && msn === undefined)
    throw new ValidationError('hls: _HLS_part needs _HLS_msn', [
      { path: 'query._HLS_part', message: 'needs _HLS_msn' },
    ]);
  return { ...(msn !== undefined ? { msn } : {}), ...(part !== undefined ? { part } : {}) };
}

/** `routing` (cluster): a token whose session another node holds is forwarded there. */
export function hlsRouter(streams: StreamService, routing?: StreamRouting): Router {
  const r = express.Router();
  r.get('/:token/:key/:file', async (req, res) => {
    const { token, key, file } = req.params as { token: string; key: string; file: string };
    // strict names only: no '..', no encoded separators
    if (!KEY.test(key) || !FILE.test(file)) throw new HttpError(404, 'no such stream file');
    const to = forwardTarget(req, token, routing);
    if (to) return forwardRequest(req, res, to, routing!);
    const playlist = file === 'index.m3u8';
    const reload = playlist ? reloadParams(req.query as Record<string, unknown>) : {};
    // a blocking reload ends when its client goes away
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let answer: Awaited<ReturnType<typeof deliverHls>>;
    try {
      answer = await deliverHls(streams, {
        token,
        key,
        name: file,
        ...reload,
        signal: abort.signal,
        ip: clientIp(req),
        // an embed token's stream only to its own origins (hls.js sends the host page's Origin)
        check: (g) => checkGrantOrigin(req, [], g.principal, true),
      });
    } catch (err) {
      // the client left during a blocking request: nobody to answer
      if (abort.signal.aborted) return;
      throw err;
    }
    if (!answer) throw new HttpError(404, 'no such stream file (rotated out or stream stopped)');
    res.set({
      'Cache-Control': playlist ? 'no-cache, no-store' : 'private, max-age=3600, immutable',
      'Content-Type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp4',
    });
    res.send(answer.body);
  });
  return r;
}

/** Documents the HLS route in the OpenAPI document (served outside /api/v1). */
export function documentHls(api: ApiRouter): void {
  api.document('get', '/hls/{token}/{key}/{file}', 'view', {
    summary:
      'LL-HLS of a called stream, served from memory: playlist (index.m3u8, blocking reload with _HLS_msn/_HLS_part), ' +
      'init segment (init<n>.mp4), media segment (seg<n>.m4s) or partial segment (part<n>.<i>.m4s); the token comes ' +
      'from POST /cameras/{id}/streams',
    tags: ['streams'],
    security: [],
    parameters: [
      ...['token', 'key', 'file'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...['_HLS_msn', '_HLS_part'].map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 0 },
      })),
    ],
    responses: {
      200: { description: 'playlist or fMP4 segment/part' },
      default: {
        description: 'Problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  });
}
