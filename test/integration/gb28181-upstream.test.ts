// The upward cascade in the library: a lower platform (GbUpstream) registers with a superior (Gb28181Server), answers
// its Catalog/DeviceInfo/DeviceStatus, takes its PTZ, sends PS over RTP (UDP, TCP) for its INVITE until BYE; wrong
// password, a superior not there yet and a superior that restarts.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {
  Gb28181Server,
  GbUpstream,
  UpstreamRefusal,
  joinAnnexB,
  openMediaReceiver,
  openMediaSender,
  type CatalogItem,
  type MediaTransport,
  type UpstreamOptions,
  type UpstreamState,
  type VideoAccessUnit,
} from '../../gateway/gb28181/index';
import { MediaSource } from '../../sim/gb28181/media-source';
import { frameMd5s } from '../helpers/gb-decode';
import { waitFor } from '../helpers/wait-for';

const SUPERIOR = '43000000002000000001';
const DOMAIN = '4300000000';
const LOWER = '43070200002000000009';
const shared: CatalogItem[] = [1, 2, 3].map((i) => ({
  deviceId: `4307020000131000010${i}`,
  name: `云眼 共享 ${i}`,
  manufacturer: 'CloudEye',
  civilCode: '430702',
  parental: 0,
  parentId: LOWER,
  status: i === 3 ? 'OFF' : 'ON',
  longitude: 111.69 + i / 100,
  latitude: 29.03,
  ptzType: i === 1 ? 1 : 3,
}));

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((ok) => s.bind(0, '127.0.0.1', () => ok()));
  const port = s.address().port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('gb28181 upward cascade: a lower platform registered with a superior', function () {
  this.timeout(60_000);
  const superiors: Gb28181Server[] = [];
  const uppers: GbUpstream[] = [];
  const superior = async (udpPort = 0, tcpPort = 0): Promise<Gb28181Server> => {
    const s = new Gb28181Server({
      id: SUPERIOR,
      realm: DOMAIN,
      host: '127.0.0.1',
      udpPort,
      tcpPort,
      password: 'up-pass',
    });
    await s.start();
    superiors.push(s);
    return s;
  };
  const upstream = (o: Partial<UpstreamOptions> & Pick<UpstreamOptions, 'superior'>): GbUpstream => {
    const u = new GbUpstream({
      localId: LOWER,
      host: '127.0.0.1',
      password: 'up-pass',
      registerExpiresS: 3600,
      keepaliveS: 1,
      t1Ms: 50,
      backoff: { initialMs: 200, maxMs: 800 },
      catalog: async () => shared,
      play: async (channelId, offer, ssrc) => {
        if (!shared.some((c) => c.deviceId === channelId)) throw new UpstreamRefusal(404, 'not shared');
        const sender = await openMediaSender({
          transport: offer.transport,
          address: offer.address,
          port: offer.port,
          ssrc,
          host: '127.0.0.1',
        });
        const src = new MediaSource({ width: 320, height: 240, fps: 25 }, (au) => sender.send(au));
        const ours: MediaTransport =
          offer.transport === 'udp' ? 'udp' : offer.transport === 'tcp-passive' ? 'tcp-active' : 'tcp-passive';
        return {
          localPort: sender.localPort,
          transport: ours,
          start: () => src.start(),
          stop: () => (src.stop(), sender.close()),
        };
      },
      ...o,
    });
    uppers.push(u);
    return u;
  };
  const at = (s: Gb28181Server, transport: 'udp' | 'tcp' = 'udp') => ({
    id: SUPERIOR,
    domain: DOMAIN,
    address: '127.0.0.1',
    port: transport === 'udp' ? s.endpoint.udpPort : s.endpoint.tcpPort,
    transport,
  });

  afterEach(async () => {
    await Promise.all(uppers.splice(0).map((u) => u.stop()));
    await Promise.all(superiors.splice(0).map((s) => s.close()));
  });

  for (const transport of ['udp', 'tcp'] as const)
    it(`over ${transport}: registered; the superior reads the shared catalog, DeviceInfo, DeviceStatus; PTZ passes`, async () => {
      const sup = await superior();
      const ptz: unknown[] = [];
      const up = upstream({
        superior: at(sup, transport),
        ptz: async (channelId, command) => void ptz.push({ channelId, command }),
      });
      await up.start();
      await waitFor(() => up.state === 'registered' && sup.device(LOWER), { what: 'registered' });
      const items = await sup.queryCatalog(LOWER);
      assert.deepEqual(
        items.map((i) => [i.deviceId, i.name, i.parentId, i.civilCode, i.status, i.longitude, i.ptzType]),
        shared.map((i) => [i.deviceId, i.name, LOWER, '430702', i.status, i.longitude, i.ptzType]),
      );
      assert.equal((await sup.queryDeviceInfo(LOWER)).channels, 3);
      assert.equal((await sup.queryDeviceStatus(LOWER)).online, 'ONLINE');
      await sup.ptz(LOWER, shared[0]!.deviceId, { kind: 'preset', op: 'goto', preset: 3 });
      await waitFor(() => ptz.length === 1);
      assert.deepEqual(ptz[0], { channelId: shared[0]!.deviceId, command: { kind: 'preset', op: 'goto', preset: 3 } });
    });

  for (const transport of ['udp', 'tcp-passive'] as const)
    it(`the superior's INVITE (${transport}) gets decodable H.264 as PS over RTP; BYE stops it`, async () => {
      const sup = await superior();
      const up = upstream({ superior: at(sup) });
      await up.start();
      await waitFor(() => sup.device(LOWER));
      const got: VideoAccessUnit[] = [];
      const ssrc = sup.newSsrc();
      const rx = await openMediaReceiver({
        transport,
        host: '127.0.0.1',
        ssrc: Number(ssrc),
        onAccessUnit: (au) => got.push(au),
      });
      const dialog = await sup.invite(LOWER, shared[1]!.deviceId, {
        address: '127.0.0.1',
        port: rx.port,
        transport,
        ssrc,
      });
      await waitFor(() => got.filter((a) => a.keyframe).length >= 2, { what: 'two keyframes', timeoutMs: 15_000 });
      assert.deepEqual(up.playing(), [shared[1]!.deviceId]);
      await dialog.bye();
      await waitFor(() => up.playing().length === 0);
      await rx.close();
      const fromKey = got.slice(got.findIndex((a) => a.keyframe));
      const decoded = frameMd5s(Buffer.concat(fromKey.map((a) => joinAnnexB(a.nals))), 'h264');
      assert.equal(decoded.errors, '');
      assert.equal(decoded.md5s.length, fromKey.length);
      await assert.rejects(
        sup.invite(LOWER, '43070200001310000999', { address: '127.0.0.1', port: 9, transport: 'udp' }),
        {
          status: 404,
        },
      );
    });

  it('a wrong password: auth-failed, retried with a growing delay, never registered', async () => {
    const sup = await superior();
    const states: Array<[UpstreamState, string]> = [];
    const up = upstream({ superior: at(sup), password: 'wrong' });
    up.on('state', (s: UpstreamState, d: string) => states.push([s, d]));
    await up.start();
    await waitFor(() => states.filter(([s]) => s === 'auth-failed').length >= 3, { what: 'three refusals' });
    assert.equal(sup.device(LOWER), undefined);
    const delays = states
      .filter(([s]) => s === 'auth-failed')
      .map(([, d]) => Number(/again in ([\d.]+) s/.exec(d)?.[1]));
    assert.deepEqual(delays.slice(0, 3), [0.2, 0.4, 0.8]);
    assert.match(states.find(([s]) => s === 'auth-failed')![1], /refused our credentials \(403/);
  });

  it('a superior not there yet: unreachable, retried, registered once it starts; after its restart, registered again', async () => {
    const port = await freeUdpPort();
    const states: UpstreamState[] = [];
    const up = upstream({ superior: { id: SUPERIOR, domain: DOMAIN, address: '127.0.0.1', port, transport: 'udp' } });
    up.on('state', (s: UpstreamState) => states.push(s));
    await up.start();
    await waitFor(() => states.includes('unreachable'), { what: 'unreachable', timeoutMs: 10_000 });
    assert.match(up.detail, /does not answer/);
    const first = await superior(port);
    await waitFor(() => up.state === 'registered' && first.device(LOWER), { what: 'registered', timeoutMs: 10_000 });
    // the superior restarts: it has forgotten us; the next keepalive is refused and we register again
    await first.close();
    superiors.splice(superiors.indexOf(first), 1);
    const second = await superior(port);
    await waitFor(() => second.device(LOWER) && up.state === 'registered', {
      what: 'registered with the restarted superior',
      timeoutMs: 10_000,
    });
  });
});
