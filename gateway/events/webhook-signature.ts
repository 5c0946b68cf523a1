// Webhook request signatures: HMAC-SHA256 of "<timestamp>.<raw body>" with the source's secret, within a time window.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookAuthError } from './errors';

/** Request headers of a signed webhook call (lower case, as node presents them). */
export const WEBHOOK_HEADERS = {
  /** `sha256=<hex>`: HMAC-SHA256 with the source's secret over `<timestamp>.<raw body bytes>`. */
  signature: 'x-cloudeye-signature',
  /** Unix time in seconds when the sender signed; refused outside ±windowS of the gateway's clock. */
  timestamp: 'x-cloudeye-timestamp',
  /** Optional idempotency key of a single-event body (a body's own `id` wins). */
  eventId: 'x-cloudeye-event-id',
} as const;

/** The signature header value for `body` signed at `timestampS` (senders, tests and the demo use it). */
export function signWebhook(secret: string, timestampS: number, body: Buffer | string): string {
  const h = createHmac('sha256', secret);
  h.update(`${timestampS}.`);
  h.update(body);
  return `sha256=${h.digest('hex')}`;
}

/**
 * Checks a webhook call; throws WebhookAuthError naming what is wrong. The timestamp is signed with the
 * body, so an old request cannot be replayed with a fresh timestamp; within the window the idempotency
 * key makes a replay a duplicate.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: Buffer,
  opts: { windowS: number; nowMs?: number },
): void {
  if (!headers.signature) throw new WebhookAuthError(`events: no ${WEBHOOK_HEADERS.signature} header`);
  if (!headers.timestamp || !/^\d{9,11}$/.test(headers.timestamp))
    throw new WebhookAuthError(
      `events: ${WEBHOOK_HEADERS.timestamp} must be unix seconds, got ${JSON.stringify((headers.timestamp ?? '').slice(0, 20))}`,
    );
  const ts = Number(headers.timestamp);
  const skew = Math.round((opts.nowMs ?? Date.now()) / 1000) - ts;
  if (Math.abs(skew) > opts.windowS)
    throw new WebhookAuthError(
      `events: timestamp ${ts} is ${skew} s from the gateway's clock (window ±${opts.windowS} s): replayed or a wrong clock`,
    );
  const m = /^sha256=([0-9a-f]{64})$/.exec(headers.signature.trim().toLowerCase());
  if (!m) throw new WebhookAuthError(`events: ${WEBHOOK_HEADERS.signature} must be "sha256=<64 hex>"`);
  const want = Buffer.from(signWebhook(secret, ts, body).slice(7), 'hex');
  if (!timingSafeEqual(want, Buffer.from(m[1]!, 'hex')))
    throw new WebhookAuthError('events: signature does not match the body');
}
