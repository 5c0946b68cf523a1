// ONVIF PullPoint sources against simulated cameras over HTTP: events mapped and stored, renewals, re-subscription, hostile XML.
import assert from 'node:assert/strict';
import { SimOnvifCamera } from '../../sim/cameras/onvif-camera';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, countEvents, eventWorld, type EventWorld } from '../helpers/events';

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('events: ONVIF PullPoint sources', function () {
  this.timeout(120000);
  let t: TestGateway;
  let w: EventWorld;
  const cams: SimOnvifCamera[] = [];
  const ids: string[] = [];
  let src: number;
  const logs: string[] = [];

  before(async () => {
    for (const [i, vendor] of (['hikvision', 'axis'] as const).entries()) {
      const c = new SimOnvifCamera({
        index: 900 + i,
        host: '127.0.0.1',
        port: 0,
        vendor,
        codec: 'h264',
        rtspMain: 'rtsp://127.0.0.1:8554/main',
        rtspSub: 'rtsp://127.0.0.1:8554/sub',
        username: 'admin',
        password: 'cam-pass',
        motionPeriodMs: 700,
      });
      await c.start();
      cams.push(c);
    }
    t = await startTestGateway(
      { events: { onvif: { terminationS: 10, pullWaitS: 1, timeoutMs: 3000, backoffMs: [200, 1000] } } },
      { onLog: (_l, m) => logs.push(m) },
    );
    w = await eventWorld(t);
    const net = await t.api('POST', '/api/v1/networks', {
      token: w.admin,
      body: { name: 'cam-lan', hosts: cams.map((c) => `127.0.0.1:${c.port}`), username: 'admin', password: 'cam-pass' },
    });
    assert.equal(net.status, 201, net.text);
    for (const c of cams) {
      const r = await t.api('POST', '/api/v1/discovery/devices/register', {
        token: w.admin,
        body: { xaddr: c.xaddr, networkId: net.body.id, name: c.vendor.id, lng: 111.69, lat: 29.03 },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(String(r.body.id));
    }
    src = (await addSource(t, w.admin, { kind: 'onvif', name: 'cameras' })).id;
  });
  after(async () => {
    await t?.close();
    await Promise.all(cams.map((c) => c.close()));
  });

  const puller = (i: number) => t.gw.services.events.onvif.get(src, ids[i]!)!;
  const typesOf = async (i: number) =>
    (await t.gw.db.knex('events').where({ camera_id: ids[i], source_id: src }).orderBy('id')).map(
      (e: { type: string; data: { active?: boolean } }) => `${e.type}:${e.data.active}`,
    );

  it('subscribes to each camera of the department and stores motion changes (not the initial state) as camera events', async () => {
    for (const i of [0, 1]) {
      await until(`camera ${i} motion stored`, async () => (await typesOf(i)).length >= 2);
      const types = await typesOf(i);
      assert.ok(
        types.every((x) => /^camera\.motion:(true|false)$/.test(x)),
        types.join(),
      );
      const row = await t.gw.db.knex('events').where({ camera_id: ids[i] }).first();
      assert.equal(row.kind, 'camera');
      assert.equal(row.data.topic, 'RuleEngine/CellMotionDetector/Motion');
      assert.equal(row.department_id, t.departments.traffic);
    }
    assert.equal(cams[0]!.eventStats.created, 1);
  });

  it('tampering and line crossing are mapped; topics of no interest are not stored', async () => {
    cams[0]!.emitEvent('tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'true' });
    cams[1]!.emitEvent('tns1:RuleEngine/LineDetector/Crossed', { ObjectId: '17' });
    cams[1]!.emitEvent('tnsaxis:CameraApplicationPlatform/FenceGuard/Camera1Profile1', { active: '1' });
    cams[0]!.emitEvent('tns1:Device/HardwareFailure/StorageFailure', { Failed: 'true' });
    await until('tamper stored', async () => (await typesOf(0)).includes('camera.tamper:true'));
    await until(
      'line crossings stored',
      async () => (await typesOf(1)).filter((x) => x.startsWith('camera.line-crossing')).length === 2,
    );
    assert.ok(!(await typesOf(0)).some((x) => x.startsWith('camera.other')));
    assert.equal((await typesOf(1)).filter((x) => x === 'camera.line-crossing:true').length, 1, 'FenceGuard active=1');
  });

  it('renews the subscription before it ends, instead of creating new ones', async () => {
    const created = cams[0]!.eventStats.created;
    await until('two renewals', () => cams[0]!.eventStats.renewed >= 2, 20000);
    assert.equal(cams[0]!.eventStats.created, created);
    assert.equal(puller(0).stats.failures, 0);
  });

  it('a subscription that dies on the camera, or a camera restart, is re-created and events flow again', async () => {
    const before = await countEvents(t, { camera_id: ids[0] });
    cams[0]!.dropSubscriptions();
    await until('re-subscribed after the drop', () => cams[0]!.eventStats.created >= 2);
    await cams[1]!.restart();
    await until(
      're-subscribed after the restart',
      () => cams[1]!.subscriptions === 1 && puller(1).stats.subscriptions >= 2,
    );
    cams[0]!.emitEvent('tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'false' });
    await until('events after the drop', async () => (await typesOf(0)).includes('camera.tamper:false'));
    assert.ok((await countEvents(t, { camera_id: ids[0] })) > before);
    assert.ok(puller(0).stats.failures >= 1);
  });

  const HOSTILE: Array<[string, string, RegExp]> = [
    [
      'an external entity',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
      /DOCTYPE\/ENTITY declarations are refused/,
    ],
    [
      'truncated XML',
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><tev:PullMessagesResponse',
      /onvif/,
    ],
    [
      'a document that is no PullMessagesResponse',
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x/></s:Body></s:Envelope>',
      /no PullMessagesResponse/,
    ],
  ];
  for (const [name, doc, message] of HOSTILE)
    it(`hostile event XML (${name}) is refused with a clear error, nothing stored from it, and the camera re-subscribed`, async () => {
      const failures = puller(0).stats.failures;
      const created = cams[0]!.eventStats.created;
      cams[0]!.hostileEvents = doc;
      await until('the failure seen', () => puller(0).stats.failures > failures);
      assert.match(puller(0).stats.lastError, message);
      const stored = await countEvents(t, { camera_id: ids[0] });
      cams[0]!.hostileEvents = undefined;
      await until('subscribed again', () => cams[0]!.eventStats.created > created);
      assert.ok((await countEvents(t, { camera_id: ids[0] })) >= stored);
    });

  it('a source of another department naming these cameras is not subscribed to them', async () => {
    const created = cams.map((c) => c.eventStats.created);
    const other = await addSource(t, w.city, {
      kind: 'onvif',
      name: 'police-cams',
      departmentId: t.departments.police,
      settings: { cameraIds: ids },
    });
    await until('refusal logged', () =>
      logs.some((l) => l.includes(`ONVIF source ${other.id} may not take events of camera ${ids[1]}`)),
    );
    for (const id of ids) assert.equal(t.gw.services.events.onvif.get(other.id, id), undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      cams.map((c) => c.eventStats.created),
      created,
      'the cameras were not touched',
    );
  });
});
