// The superior's Catalog subscription of a lower platform (library): SUBSCRIBE is answered in a dialog, the whole
// catalog is notified at once, then each change once: ADD, DEL, OFF/ON for a status, UPDATE for a new name; nothing
// when nothing changed, nothing after Expires 0. A SUBSCRIBE for another event, with a body that is no Catalog query
// or with a hostile Contact is refused, and the registration carries on.
import assert from 'node:assert/strict';
import {
  Gb28181Server,
  GbUpstream,
  MANSCDP,
  SipEndpoint,
  buildQuery,
  buildSdp,
  buildRequest,
  newCallId,
  newTag,
  type CatalogItem,
  type CatalogPage,
  type ManscdpDoc,
} from '../../gateway/gb28181/index';
import { waitFor } from '../helpers/wait-for';
import { DOMAIN, SUPERIOR, startGbPair } from '../helpers/gb-cascade';

const LOWER = '43070200002000000029';
const ch = (n: number): string => `4307020000131000002${n}`;
const item = (n: number, o: Partial<CatalogItem> = {}): CatalogItem => ({
  deviceId: ch(n),
  name: `通道 ${n}`,
  parentId: LOWER,
  status: 'ON',
  longitude: 111.7 + n / 100,
  latitude: 29.03,
  ...o,
});

describe("gb28181 upward cascade: the superior subscribes to the lower platform's catalog", function () {
  this.timeout(30_000);
  let sup: Gb28181Server;
  let up: GbUpstream;
  let catalog: CatalogItem[] = [item(1), item(2), item(3)];
  const pages: CatalogPage[] = [];
  const events = (): string[] => pages.flatMap((p) => p.items.map((i) => `${i.deviceId.slice(-1)} ${i.event}`));

  before(async () => {
    ({ sup, up } = await startGbPair(LOWER, {
      catalog: async () => catalog,
      play: async () => {
        throw new Error('no media here');
      },
    }));
    sup.on('catalog-notify', (page: CatalogPage) => pages.push(page));
  });
  after(async () => {
    await up?.stop();
    await sup?.close();
  });

  it('the whole catalog at once, then each change once, in the subscription; nothing after Expires 0', async () => {
    await sup.subscribeCatalog(LOWER, 600);
    await waitFor(() => events().length === 3, { what: 'the whole catalog' });
    assert.deepEqual(events(), ['1 ADD', '2 ADD', '3 ADD']);
    const first = pages[0]!.items[0]!;
    assert.deepEqual(
      [first.deviceId, first.name, first.parentId, first.status, first.longitude, first.latitude],
      [ch(1), '通道 1', LOWER, 'ON', item(1).longitude, 29.03],
    );
    pages.length = 0;
    // nothing changed: nothing told
    up.catalogChanged();
    await new Promise((ok) => setTimeout(ok, 800));
    await up.subscription.settled();
    assert.deepEqual(events(), []);
    // one withdrawn, one off line, one renamed, one shared: told together
    catalog = [item(2, { status: 'OFF' }), item(3, { name: '通道 三' }), item(4)];
    up.catalogChanged();
    up.catalogChanged();
    await waitFor(() => events().length === 4, { what: 'four changes' });
    assert.deepEqual(events().sort(), ['1 DEL', '2 OFF', '3 UPDATE', '4 ADD']);
    assert.equal(pages.flatMap((p) => p.items).find((i) => i.event === 'UPDATE')!.name, '通道 三');
    pages.length = 0;
    catalog = [item(2), item(3, { name: '通道 三' }), item(4)];
    up.catalogChanged();
    await waitFor(() => events().length === 1, { what: 'back on line' });
    assert.deepEqual(events(), ['2 ON']);
    // the superior ends the subscription: later changes are not told
    pages.length = 0;
    await sup.subscribeCatalog(LOWER, 0);
    catalog = [item(2)];
    up.catalogChanged();
    await new Promise((ok) => setTimeout(ok, 800));
    await up.subscription.settled();
    assert.deepEqual(events(), []);
  });

  it('a SUBSCRIBE for another event (489), without a Catalog query or with a hostile Contact (400) is refused', async () => {
    const ep = new SipEndpoint({ host: '127.0.0.1', udpPort: 0, t1Ms: 50 });
    await ep.start();
    try {
      const peer = { transport: 'udp' as const, address: '127.0.0.1', port: up.endpoint.udpPort };
      const subscribe = (event: string, body: Buffer, contact = `<sip:${SUPERIOR}@127.0.0.1:${ep.udpPort}>`) =>
        ep.request(
          peer,
          buildRequest({
            method: 'SUBSCRIBE',
            uri: `sip:${LOWER}@127.0.0.1`,
            from: `<sip:${SUPERIOR}@${DOMAIN}>;tag=${newTag()}`,
            to: `<sip:${LOWER}@${DOMAIN}>`,
            callId: newCallId('127.0.0.1'),
            cseq: 1,
            contact,
            extra: [
              { name: 'Event', value: event },
              { name: 'Expires', value: '600' },
            ],
            body,
            contentType: MANSCDP,
          }),
        );
      const query = buildQuery('Catalog', 7, LOWER);
      assert.equal((await subscribe('Alarm', buildQuery('Alarm', 7, LOWER))).status, 489);
      assert.equal((await subscribe('Catalog', Buffer.from('<Query><CmdType>Catalog'))).status, 400);
      assert.equal((await subscribe('Catalog', buildQuery('DeviceInfo', 7, LOWER))).status, 400);
      assert.equal((await subscribe('Catalog', query, '<sip:unclosed')).status, 400);
      assert.equal((await subscribe('Catalog', query)).status, 200, 'a well-formed one is taken');
      assert.equal(up.state, 'registered');
    } finally {
      await ep.close();
    }
  });
  it('a stranger (not the superior) is refused whatever it sends: 403, nothing queried, subscribed or played', async () => {
    // what the previous test's subscription sends has arrived first
    await new Promise((ok) => setTimeout(ok, 800));
    await up.subscription.settled();
    const unasked: ManscdpDoc[] = [];
    const heard = (doc: ManscdpDoc) => unasked.push(doc);
    sup.on('notify', heard);
    const ep = new SipEndpoint({ host: '127.0.0.2', udpPort: 0, t1Ms: 50 });
    await ep.start();
    try {
      const peer = { transport: 'udp' as const, address: '127.0.0.1', port: up.endpoint.udpPort };
      const send = (method: string, body: Buffer, contentType: string, extra: Array<{ name: string; value: string }>) =>
        ep.request(
          peer,
          buildRequest({
            method,
            uri: `sip:${ch(1)}@127.0.0.1`,
            from: `<sip:${SUPERIOR}@${DOMAIN}>;tag=${newTag()}`,
            to: `<sip:${ch(1)}@${DOMAIN}>`,
            callId: newCallId('127.0.0.2'),
            cseq: 1,
            contact: `<sip:${SUPERIOR}@127.0.0.2:${ep.udpPort}>`,
            extra,
            body,
            contentType,
          }),
        );
      const before = pages.length;
      const sdp = buildSdp({
        origin: SUPERIOR,
        address: '127.0.0.2',
        port: 9,
        transport: 'udp',
        ssrc: '0000000001',
        direction: 'recvonly',
      });
      assert.equal((await send('INVITE', Buffer.from(sdp), 'APPLICATION/SDP', [])).status, 403);
      assert.equal((await send('MESSAGE', buildQuery('Catalog', 9, LOWER), MANSCDP, [])).status, 403);
      const sub = [
        { name: 'Event', value: 'Catalog' },
        { name: 'Expires', value: '600' },
      ];
      assert.equal((await send('SUBSCRIBE', buildQuery('Catalog', 9, LOWER), MANSCDP, sub)).status, 403);
      await new Promise((ok) => setTimeout(ok, 800));
      assert.equal(pages.length, before, 'no catalog notified');
      assert.deepEqual(unasked, [], 'no answer sent to the superior for what a stranger asked');
      assert.deepEqual(up.playing(), []);
      assert.equal(up.state, 'registered');
    } finally {
      sup.off('notify', heard);
      await ep.close();
    }
  });
});
