// A node vouches for the client of a request it forwards: the serving node believes a fresh, well-signed vouch only.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ClientVouch, clientIp, CLIENT_HEADER } from '../../gateway/http/client-vouch';

const req = (header?: string): IncomingMessage =>
  ({
    headers: header === undefined ? {} : { [CLIENT_HEADER]: header },
    socket: { remoteAddress: '10.0.0.7' },
  }) as never;

describe('client vouch (forwarded requests between nodes)', () => {
  const v = new ClientVouch(Buffer.alloc(32, 7));
  const now = 1_800_000_000;

  it('a vouch signed with the key is read back: the request is audited with that client', () => {
    assert.equal(v.verify(v.sign('198.51.100.4', now), now + 5), '198.51.100.4');
    assert.equal(v.verify(v.sign('2001:db8::1', now), now), '2001:db8::1');
    const r = req(v.sign('198.51.100.4'));
    v.adopt(r);
    assert.equal(clientIp(r), '198.51.100.4');
    assert.equal(r.headers[CLIENT_HEADER], undefined, 'the header is not passed further');
  });

  it('another key, a changed address, a stale or malformed vouch: refused, the socket peer stays the client', () => {
    const other = new ClientVouch(Buffer.alloc(32, 8));
    const good = v.sign('198.51.100.4', now);
    assert.equal(v.verify(other.sign('198.51.100.4', now), now), null);
    assert.equal(v.verify(good.replace('198.51.100.4', '198.51.100.5'), now), null);
    assert.equal(v.verify(good, now + 61), null);
    for (const bad of ['', 'x', `1.2.3.4 ${now}`, `<script> ${now} ${'0'.repeat(64)}`, 'a'.repeat(500), 42])
      assert.equal(v.verify(bad, now), null, String(bad).slice(0, 20));
    const r = req(`203.0.113.9 ${Math.floor(Date.now() / 1000)} ${'0'.repeat(64)}`);
    v.adopt(r);
    assert.equal(clientIp(r), '10.0.0.7');
  });
});
