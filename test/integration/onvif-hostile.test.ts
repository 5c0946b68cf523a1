// Bad input from devices: each case asserts the named error AND that a sweep over several devices finished for the others.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {
  OnvifAuthError,
  OnvifDevice,
  OnvifFaultError,
  OnvifTimeoutError,
  OnvifTooLargeError,
  OnvifUriError,
  OnvifXmlError,
  sweepUnicast,
  buildProbe,
  parseXml,
} from '../../gateway/onvif/index';
import { kid, text } from '../../gateway/onvif/xml';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import type { HostileMode } from '../../sim/cameras/hostile';

const USER = 'admin';
const PASS = 'pw';
const HOSTILE_HOST = '127.0.0.2'; // hostile devices live on another loopback address than 127.0.0.1 services

/** Registers several devices at once (what the gateway does after discovery); returns per-device outcome. */
async function registerAll(xaddrs: string[], password = PASS): Promise<Array<PromiseSettledResult<string>>> {
  return Promise.allSettled(
    xaddrs.map(async (xaddr) => {
      const d = new OnvifDevice({ xaddr, username: USER, password, timeoutMs: 800, maxResponseBytes: 256 * 1024 });
      await d.connect();
      const [p] = await d.getProfiles(1);
      return d.getStreamUri(p!.token, 1);
    }),
  );
}

describe('onvif hostile devices', function () {
  this.timeout(30_000);
  let good: SimCameras;
  const hostile: Array<{ name: string; mode: HostileMode; error: new (...a: never[]) => Error; re: RegExp }> = [
    { name: 'XXE document', mode: 'xxe', error: OnvifXmlError, re: /DOCTYPE\/ENTITY/ },
    { name: 'billion laughs', mode: 'billion-laughs', error: OnvifXmlError, re: /DOCTYPE\/ENTITY/ },
    { name: 'truncated XML', mode: 'truncated', error: OnvifXmlError, re: /bad XML/ },
    { name: 'SOAP fault', mode: 'fault', error: OnvifFaultError, re: /Receiver\/ActionFailed: "Simulated failure"/ },
    { name: 'HTTP 401 without challenge', mode: 'unauthorized', error: OnvifAuthError, re: /HTTP 401/ },
    { name: 'accepts and never answers', mode: 'hang', error: OnvifTimeoutError, re: /within 800 ms/ },
    { name: 'response over the size limit', mode: 'oversized', error: OnvifTooLargeError, re: /exceeds 262144 bytes/ },
  ];
  const uris: Array<[string, HostileMode]> = [
    ['file:///etc/passwd', { streamUri: 'file:///etc/passwd' }],
    ['internal service http://127.0.0.1:5432/', { streamUri: 'http://127.0.0.1:5432/' }],
    ['internal service rtsp://127.0.0.1:5432/', { streamUri: 'rtsp://127.0.0.1:5432/' }],
    ['option injection "-i /etc/passwd"', { streamUri: '-i /etc/passwd' }],
    ['shell "rtsp://x;rm -rf /"', { streamUri: 'rtsp://x;rm -rf /' }],
    ['credentials for another host', { streamUri: 'rtsp://user:pass@other-host/live' }],
  ];
  let bad: SimCameras;

  before(async () => {
    good = await startSimCameras({
      count: 2,
      codec: 'h264',
      username: USER,
      password: PASS,
      rtsp: false,
      rtspPort: 8554,
    });
    const modes: HostileMode[] = [...hostile.map((h) => h.mode), ...uris.map((u) => u[1])];
    bad = await startSimCameras({
      count: modes.length,
      codec: 'h264',
      host: HOSTILE_HOST,
      username: USER,
      password: PASS,
      rtsp: false,
      rtspPort: 8554,
      rtspHost: HOSTILE_HOST,
      perCamera: (i) => ({ hostile: modes[i]! }),
    });
  });
  after(async () => {
    await bad?.close();
    await good?.close();
  });

  hostile.forEach((h, i) => {
    it(`${h.name} → ${h.error.name}; the sweep still finds the good devices`, async () => {
      const target = bad.cameras[i]!;
      const dev = new OnvifDevice({ xaddr: target.xaddr, timeoutMs: 800, maxResponseBytes: 256 * 1024 });
      await assert.rejects(dev.getSystemDateAndTime(), (e: unknown) => e instanceof h.error && h.re.test(e.message));
      const targets = [good.cameras[0]!, target, good.cameras[1]!].map((c) => `${c.host}:${c.port}`);
      const r = await sweepUnicast({ hosts: targets, methods: ['http'], timeoutMs: 800, maxResponseBytes: 256 * 1024 });
      assert.deepEqual(
        r.devices.map((d) => d.xaddrs[0]).sort(),
        [good.cameras[0]!.xaddr, good.cameras[1]!.xaddr].sort(),
      );
      assert.equal(r.stats.probed, 2, 'two hosts: 127.0.0.1 (two good cameras) and 127.0.0.2');
      assert.equal(r.failures.length, 1);
      assert.equal(r.failures[0]!.target, targets[1]);
      assert.ok(r.failures[0]!.error instanceof h.error, r.failures[0]!.error.message);
      const reg = await registerAll([good.cameras[0]!.xaddr, target.xaddr, good.cameras[1]!.xaddr]);
      assert.deepEqual(
        reg.map((x) => x.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
    });
  });

  uris.forEach(([name], k) => {
    it(`hostile stream URI ${name} → OnvifUriError; the other devices register`, async () => {
      const target = bad.cameras[hostile.length + k]!;
      const reg = await registerAll([good.cameras[0]!.xaddr, target.xaddr, good.cameras[1]!.xaddr]);
      assert.equal(reg[0]!.status, 'fulfilled');
      assert.equal(reg[2]!.status, 'fulfilled');
      assert.equal((reg[0] as PromiseFulfilledResult<string>).value, good.cameras[0]!.rtspMain);
      const r1 = reg[1]!;
      assert.ok(
        r1.status === 'rejected' && r1.reason instanceof OnvifUriError,
        String((r1 as PromiseRejectedResult).reason),
      );
    });
  });

  it('wrong password is classified unauthorized while the others register', async () => {
    const d = new OnvifDevice({ xaddr: good.cameras[0]!.xaddr, username: USER, password: 'nope' });
    await assert.rejects(d.getDeviceInformation(), OnvifAuthError);
    const reg = await Promise.allSettled([
      registerAll([good.cameras[0]!.xaddr], 'nope'),
      registerAll([good.cameras[1]!.xaddr]),
    ]);
    const [wrong, right] = reg.map((x) => (x as PromiseFulfilledResult<Array<PromiseSettledResult<string>>>).value[0]);
    assert.ok(wrong?.status === 'rejected' && wrong.reason instanceof OnvifAuthError);
    assert.equal(right?.status, 'fulfilled');
  });

  it('garbage, oversized, hostile and unrelated datagrams on 3702 are counted, never crash, and the real answer is kept', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind({ address: HOSTILE_HOST, port: 0 }, r));
    const port = sock.address().port;
    sock.on('message', (msg, rinfo) => {
      const id = text(kid(parseXml(msg.toString()), 'Envelope', 'Header'), 'MessageID')!;
      const reply = (b: Buffer | string): void => sock.send(b, rinfo.port, rinfo.address);
      reply(Buffer.from([0, 1, 2, 255, 254]));
      reply('<not-xml');
      reply(Buffer.alloc(60_000, 'A'));
      reply(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`);
      const pm = (rel: string, ep: string, xaddr: string): string =>
        buildProbe('x')
          .replace(/<s:Header>[\s\S]*<\/s:Header>/, `<s:Header><a:RelatesTo>${rel}</a:RelatesTo></s:Header>`)
          .replace(
            /<s:Body>[\s\S]*<\/s:Body>/,
            `<s:Body><d:ProbeMatches><d:ProbeMatch>` +
              `<a:EndpointReference><a:Address>${ep}</a:Address></a:EndpointReference><d:XAddrs>${xaddr}</d:XAddrs></d:ProbeMatch></d:ProbeMatches></s:Body>`,
          );
      reply(pm('uuid:someone-else', 'urn:uuid:intruder', 'http://10.6.6.6/onvif/device_service'));
      reply(
        pm(
          id.replace(/^uuid:/, 'urn:uuid:'),
          'urn:uuid:real',
          `http://${HOSTILE_HOST}/onvif/device_service file:///etc/passwd`,
        ),
      );
      reply(pm(id, 'urn:uuid:real', `http://${HOSTILE_HOST}/onvif/device_service`)); // duplicate (repeat) → merged
    });
    try {
      const r = await sweepUnicast({
        hosts: [HOSTILE_HOST, good.cameras[0]!.host],
        methods: ['ws-discovery'],
        wsdPort: port,
        timeoutMs: 500,
      });
      assert.deepEqual(
        r.devices.map((d) => [d.endpoint, d.xaddrs]),
        [['urn:uuid:real', [`http://${HOSTILE_HOST}/onvif/device_service`]]],
      );
      assert.equal(r.stats.oversized, 1);
      assert.equal(r.stats.garbage, 3);
      assert.equal(r.stats.unrelated, 1);
      assert.equal(r.stats.probed, 2);
    } finally {
      sock.close();
    }
  });

  it('sweep progress is reported and the sweep is cancellable', async () => {
    const seen: number[] = [];
    const ac = new AbortController();
    const r = await sweepUnicast({
      hosts: ['127.0.3.0/24'],
      methods: ['http'],
      ports: [9],
      concurrency: 4,
      timeoutMs: 300,
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p.probed);
        if (p.probed >= 20) ac.abort();
      },
    });
    assert.equal(r.stats.aborted, true);
    assert.ok(r.stats.probed >= 20 && r.stats.probed < 254, `probed ${r.stats.probed}`);
    assert.equal(r.stats.total, 254);
    assert.ok(seen.length >= 20);
  });
});
