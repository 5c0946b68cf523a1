// Stream calls and pictures: POST /cameras/{id}/streams → signed live/HLS/replay URLs; GET …/snapshot; POST …/stills (saved, audited).
import { z } from 'zod';
import { PROFILE } from '../../contract';
import type { StreamService } from '../../streams/stream-service';
import { STILL_AUDIT_ACTION, type StillService } from '../../streams/still-service';
import type { IncomingMessage } from 'node:http';
import { StreamElsewhereError } from '../../cluster/errors';
import { expressOf, type ApiRouter } from '../api-router';
import { forwardRequest, mayChase, type StreamRouting } from '../node-proxy';

const idParam = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'camera ids are decimal integers') });

export const streamRequest = z.strictObject({
  profile: PROFILE.default('main'),
  reason: z.string().min(1).max(400).optional(),
  incidentId: z.string().min(1).max(64).optional(),
  h265: z.boolean().optional(),
  sessionId: z.uuid().optional(),
});

export interface SnapshotProvider {
  snapshot(principal: Parameters<StreamService['open']>[0], cameraId: string): Promise<Buffer>;
}

export function registerStreamRoutes(
  api: ApiRouter,
  streams: StreamService,
  snapshots: SnapshotProvider,
  stills: Pick<StillService, 'take'>,
  routing?: StreamRouting,
): void {
  api.add({
    method: 'post',
    path: '/cameras/{id}/streams',
    tag: 'streams',
    action: 'view',
    status: 201,
    summary:
      'Call a live stream: policy-checked and audited; returns, with one short-lived signed token, the WebSocket path ' +
      'of the low-latency stream (live), the LL-HLS playlist URL (url) and the instant replay (replay), and what the ' +
      'viewer receives (codec, transcoded). Renew before expiresAt by posting again with sessionId. h265: true asks ' +
      'for an H.265 camera as is (the player can decode it); otherwise it is transcoded once per camera. ' +
      '503 + Retry-After when the node is full.',
    params: idParam,
    body: streamRequest,
    auditRefusal: { action: 'stream.open', targetType: 'camera' },
    response: z.object({
      url: z.string().describe('LL-HLS playlist'),
      live: z.string().describe('WebSocket path: /live/<token>/<key>'),
      replay: z.string().describe('instant replay: /live/<token>/<key>/replay.mp4'),
      sessionId: z.string(),
      expiresAt: z.string(),
      started: z.boolean().describe('true when this call started the camera pull (cold)'),
      codec: z.enum(['h264', 'h265']).describe('codec the viewer receives'),
      transcoded: z.boolean().describe("true when the viewer receives a transcode, not the camera's bitstream"),
    }),
    handler: async ({ principal, params, body, ip, req, res }) => {
      try {
        return await streams.open(principal, params.id, body, ip);
      } catch (err) {
        // cluster: the pull is leased to another node, which opens the session and serves it
        if (!(err instanceof StreamElsewhereError) || !routing || !mayChase(req, err.node, routing.self)) throw err;
        const raw = Buffer.from(JSON.stringify((req as IncomingMessage & { body?: unknown }).body ?? {}));
        await forwardRequest(req, res, err.address, routing, raw);
        return undefined;
      }
    },
  });
  api.add({
    method: 'get',
    path: '/cameras/{id}/snapshot',
    tag: 'streams',
    action: 'snapshot',
    summary: 'A current JPEG of the camera (cached a few seconds)',
    params: idParam,
    produces: 'image/jpeg',
    handler: async (ctx) => {
      const jpeg = await snapshots.snapshot(ctx.principal, ctx.params.id);
      expressOf(ctx).res.set('Cache-Control', 'private, max-age=5').type('image/jpeg').send(jpeg);
    },
  });
  api.add({
    method: 'post',
    path: '/cameras/{id}/stills',
    tag: 'streams',
    action: 'snapshot',
    params: idParam,
    produces: 'image/jpeg',
    auditRefusal: { action: STILL_AUDIT_ACTION, targetType: 'camera' },
    summary:
      'Save a still: a JPEG of the camera taken now at full resolution (main profile), as a download; needs viewing rights ' +
      'and is audited (camera.still). 502/503 with the reason when the camera gives no picture.',
    handler: async (ctx) => {
      const still = await stills.take(ctx.principal, ctx.params.id, ctx.ip);
      expressOf(ctx)
        .res.set({
          'Cache-Control': 'no-store',
          'Content-Disposition': `attachment; filename="${still.filename}"`,
          'X-Still-Taken-At': still.takenAt.toISOString(),
        })
        .type('image/jpeg')
        .send(still.jpeg);
    },
  });
}
