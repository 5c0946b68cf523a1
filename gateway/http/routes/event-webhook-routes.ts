// POST /events/webhook/{sourceId}: signed event deliveries of a webhook source (raw body kept for the HMAC).
import express from 'express';
import { z } from 'zod';
import type { SourceService } from '../../events/source-service';
import { WEBHOOK_HEADERS } from '../../events/webhook-signature';
import type { ApiRouter } from '../api-router';

export const WEBHOOK_PATH = '/events/webhook';
const TYPES = ['application/json', 'application/xml', 'text/xml', 'text/plain'];

/**
 * Mounted ahead of the API's JSON parser at /api/v1/events/webhook: reads the body as bytes (up to
 * `limitBytes`, 413 beyond), since the signature covers the bytes as sent, not a re-serialised object.
 */
export function webhookBodyParser(limitBytes: number): express.Router {
  const r = express.Router();
  r.use(express.raw({ type: () => true, limit: limitBytes }));
  return r;
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * `limitBytes`: the largest body. The route is answered ahead of express (ApiRouter.dispatch, the body
 * read once as bytes); webhookBodyParser serves the requests express still gets (a Content-Encoding).
 */
export function registerEventWebhookRoutes(api: ApiRouter, sources: SourceService, limitBytes: number): void {
  api.add({
    method: 'post',
    path: `${WEBHOOK_PATH}/{sourceId}`,
    tag: 'events',
    action: 'event-ingest',
    summary:
      `Deliver events of a webhook source. Sign with the source's secret: ${WEBHOOK_HEADERS.signature}: ` +
      `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">, ${WEBHOOK_HEADERS.timestamp}: <unix seconds> ` +
      `(±window), optional ${WEBHOOK_HEADERS.eventId} (idempotency key of a one-event body; a body's "id" wins). ` +
      'The body is in the source\'s format (cloudeye JSON: one event or {"events": [...]}; hikvision-anpr XML; ' +
      'hikvision-axpro JSON; axis-event XML). Answered after the events are stored; a repeated id is answered ' +
      'with duplicate: true and stored once. 401 bad signature/timestamp, 400 bad payload or location, ' +
      '403 a camera/point the source may not see, 413 too large, 429 queue full (Retry-After).',
    params: z.strictObject({ sourceId: z.string().regex(/^\d{1,9}$/, 'a numeric source id') }),
    consumes: TYPES,
    rawBodyLimit: limitBytes,
    body: z.custom<Buffer>((b) => Buffer.isBuffer(b) && b.length > 0, 'a non-empty body'),
    response: z.object({
      accepted: z.number(),
      duplicates: z.number(),
      events: z.array(z.object({ id: z.string(), duplicate: z.boolean() })),
    }),
    handler: async ({ params, body, req }) => {
      const out = await sources.webhook(
        Number(params.sourceId),
        {
          signature: header(req.headers[WEBHOOK_HEADERS.signature]),
          timestamp: header(req.headers[WEBHOOK_HEADERS.timestamp]),
          eventId: header(req.headers[WEBHOOK_HEADERS.eventId]),
        },
        body,
      );
      const duplicates = out.filter((e) => e.duplicate).length;
      return {
        accepted: out.length - duplicates,
        duplicates,
        events: out.map(({ id, duplicate }) => ({ id, duplicate })),
      };
    },
  });
}
