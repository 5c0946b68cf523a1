// Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", the time window, malformed headers.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { WebhookAuthError } from '../../gateway/events/errors';
import { signWebhook, verifyWebhook } from '../../gateway/events/webhook-signature';

const SECRET = 'k3y';
const NOW = 1_796_000_000_000;
const TS = NOW / 1000;
const body = Buffer.from('{"kind":"custom","type":"x","location":{"point":"P"}}');

describe('events: webhook signatures', () => {
  it('is HMAC-SHA256 of "<timestamp>.<raw body>" in hex, as any sender can compute it', () => {
    const want = createHmac('sha256', SECRET).update(`${TS}.${body.toString()}`).digest('hex');
    assert.equal(signWebhook(SECRET, TS, body), `sha256=${want}`);
    verifyWebhook(SECRET, { signature: `sha256=${want.toUpperCase()}`, timestamp: String(TS) }, body, {
      windowS: 300,
      nowMs: NOW,
    });
  });

  const sig = signWebhook(SECRET, TS, body);
  const CASES: Array<
    [string, { signature: string | undefined; timestamp: string | undefined }, Buffer, number, RegExp]
  > = [
    ['no signature', { signature: undefined, timestamp: String(TS) }, body, NOW, /no x-cloudeye-signature/],
    ['no timestamp', { signature: sig, timestamp: undefined }, body, NOW, /must be unix seconds/],
    ['a timestamp in milliseconds', { signature: sig, timestamp: String(NOW) }, body, NOW, /must be unix seconds/],
    [
      '301 s late (a replay)',
      { signature: sig, timestamp: String(TS) },
      body,
      NOW + 301_000,
      /-?301 s from the gateway's clock/,
    ],
    ['301 s early', { signature: sig, timestamp: String(TS) }, body, NOW - 301_000, /301 s/],
    ['another body', { signature: sig, timestamp: String(TS) }, Buffer.from('{}'), NOW, /does not match/],
    [
      'the timestamp changed (signed with another)',
      { signature: sig, timestamp: String(TS + 1) },
      body,
      NOW,
      /does not match/,
    ],
    ['a bare hex digest', { signature: sig.slice(7), timestamp: String(TS) }, body, NOW, /must be "sha256=<64 hex>"/],
    ['a short digest', { signature: 'sha256=abcd', timestamp: String(TS) }, body, NOW, /must be "sha256=<64 hex>"/],
  ];
  for (const [name, h, b, now, message] of CASES)
    it(`refuses ${name}`, () => {
      assert.throws(
        () => verifyWebhook(SECRET, h, b, { windowS: 300, nowMs: now }),
        (e: unknown) => e instanceof WebhookAuthError && message.test(e.message),
      );
    });

  it('accepts the edges of the window', () => {
    for (const d of [-300_000, 300_000])
      verifyWebhook(SECRET, { signature: sig, timestamp: String(TS) }, body, { windowS: 300, nowMs: NOW + d });
  });
});
