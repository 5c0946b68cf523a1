// Two gateway nodes on one schema, recording real RTSP cameras: a recording plan or an alarm rule set on one node is
// followed by the other, and an event or alarm taken in by one node is recorded by the node that pulls the camera.
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startSimCameras } from '../../sim/cameras/sim-cameras';
import type { RecorderStatus } from '../../gateway/recordings/recorder';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, postWebhook } from '../helpers/events';
import { at, P } from '../helpers/alarms';
import { waitFor } from '../helpers/wait-for';
import { registerOnvifCamera } from '../helpers/onvif-register';
import { io } from 'socket.io-client';
import { freePortRange } from '../helpers/ports';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };

describe('cluster: two nodes: plans, rules, event recording, forwarded calls, PTZ control, tours', function () {
  this.timeout(120_000);
  let rtsp: RtspProcess;
  let a: TestGateway;
  let b: TestGateway;
  let token: string;
  const cams: string[] = [];
  // nodes of one cluster share their configuration, the secret key included
  const secretKey = randomBytes(32).toString('hex');
  const node = (name: string, port: number): Record<string, unknown> => ({
    server: { nodeName: name, port },
    security: { secretKey },
    cluster: {
      enabled: true,
      advertisedAddress: `http://127.0.0.1:${port}`,
      heartbeatMs: 200,
      ttlMs: 1000,
      fenceMarginMs: 200,
    },
    recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 },
  });
  /** Per camera, the nodes whose recorder runs it, and its state there. */
  const recorders = (): Map<string, Array<{ on: TestGateway; s: RecorderStatus }>> => {
    const m = new Map<string, Array<{ on: TestGateway; s: RecorderStatus }>>();
    for (const on of [a, b])
      for (const s of on.gw.services.recordings.status()) m.set(s.cameraId, [...(m.get(s.cameraId) ?? []), { on, s }]);
    return m;
  };
  /** Segments of `cam` naming event `id`, waited for until the recorder is back on standby or off. */
  const eventFootage = async (rec: TestGateway, cam: string, id: string, atMs: number) => {
    const svc = rec.gw.services.recordings;
    return waitFor(
      async () => {
        await svc.settled();
        const segs = await svc.footage.segments(
          cam,
          new Date(atMs - 60_000).toISOString(),
          new Date(atMs + 60_000).toISOString(),
        );
        const mine = segs.filter((x) => x.eventIds.includes(id));
        return mine.length ? mine : undefined;
      },
      { timeoutMs: 30_000, what: `camera ${cam}'s footage of event ${id}` },
    );
  };

  before(async () => {
    rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    const port = await freePortRange(2);
    a = await startTestGateway(node('rec-a', port));
    b = await startTestGateway(node('rec-b', port + 1), { schema: a.schema });
    await a.addUser('ctadm', 'admin', 'traffic');
    token = await a.login('ctadm');
    // two cameras 50 m west and 120 m south of P, looking at it
    for (const [i, pos, bearing] of [
      [0, at(-50, 0), 90],
      [1, at(0, -120), 0],
    ] as const) {
      const r = await a.api('POST', '/api/v1/cameras', {
        token,
        body: { name: `rec-${i}`, mainUri: rtsp.url(i, 'main'), ...pos, bearing, fov: 60, rangeM: 200 },
      });
      assert.equal(r.status, 201, r.text);
      cams.push(String(r.body.id));
    }
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await rtsp?.close();
  });

  it('a plan set on one node is followed by both: each camera stands by on exactly one node, spread over the two', async () => {
    await a.gw.services.recordings.setPlan(
      { scope: 'department', departmentId: a.departments.traffic, mode: 'event', preRollS: 1, postRollS: 2 },
      SYSTEM,
    );
    const m = await waitFor(
      () => {
        const r = recorders();
        return cams.every((c) => r.get(c)?.length === 1 && r.get(c)![0]!.s.state === 'standby') ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'both cameras on standby, each on one node' },
    );
    const on = new Set(cams.map((c) => m.get(c)![0]!.on));
    assert.equal(on.size, 2, 'placed on the least loaded node: one camera each');
  });

  it('an event taken in by the node that does not record the camera is recorded by the one that does', async () => {
    // the pulls hold a second of video for the pre-roll
    await new Promise((r) => setTimeout(r, 1500));
    const r = recorders();
    const cam = cams[0]!;
    const holder = r.get(cam)![0]!.on;
    const other = holder === a ? b : a;
    const ev = await other.api('POST', '/api/v1/events', {
      token,
      body: { cameraId: cam, type: 'alarm.intrusion', data: {} },
    });
    assert.equal(ev.status, 201, ev.text);
    const segs = await eventFootage(holder, cam, String(ev.body.id), Date.parse(ev.body.at));
    assert.ok(segs.every((x) => x.kind === 'event'));
    const volumes = [...holder.gw.services.recordings.volumes.keys()];
    assert.ok(
      segs.every((x) => volumes.includes(x.volume)),
      "written on the pulling node's volume, not the other's",
    );
  });

  it('an alarm rule made on one node raises on the other; the alarm records a camera pulled on the first', async () => {
    await a.gw.services.recordings.setPlan(
      { scope: 'department', departmentId: a.departments.traffic, mode: 'off' },
      SYSTEM,
    );
    await waitFor(() => [...recorders().values()].flat().every((r) => r.s.state === 'off'), {
      timeoutMs: 10_000,
      what: 'recorders off on both nodes',
    });
    const rule = await a.api('POST', '/api/v1/alarm-rules', {
      token,
      body: { name: 'boxes', kinds: ['alarm'], minSeverity: 3, preRollS: 0, postRollS: 3, ackTimeoutS: 600 },
    });
    assert.equal(rule.status, 201, rule.text);
    // a viewer on node a: camera 1's pull runs somewhere; the alarm is taken in by the other node
    const open = await a.api('POST', `/api/v1/cameras/${cams[1]}/streams`, { token, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    const holder = await waitFor(
      () => [a, b].find((g) => g.gw.cluster!.node.holds({ cameraId: cams[1]!, profile: 'main' })),
      { what: "camera 1's pull placed" },
    );
    const other = holder === a ? b : a;
    const source = await addSource(other, token, {
      kind: 'webhook',
      name: 'alarm-boxes',
    });
    const body = {
      id: 'box-x',
      kind: 'alarm',
      location: { position: P },
      alarm: { alarmType: 'button', zone: 'Z1', severity: 4 },
    };
    const res = await postWebhook(other, source, JSON.stringify(body));
    assert.equal(res.status, 200, res.text);
    const eventId = String(res.body.events[0].id);
    const alarm = await waitFor(async () => other.gw.db.knex('alarms').where({ event_id: eventId }).first(), {
      what: 'the alarm raised by the rule made on the other node',
    });
    const chosen = (alarm.cameras as Array<{ id: string; recording: boolean }>).find((c) => c.id === cams[1]);
    assert.equal(chosen?.recording, true, JSON.stringify(alarm.cameras));
    const segs = await eventFootage(holder, cams[1]!, eventId, Date.parse(alarm.event_at));
    const volumes = [...holder.gw.services.recordings.volumes.keys()];
    assert.ok(
      segs.every((x) => volumes.includes(x.volume)),
      "written on the pulling node's volume, not the other's",
    );
  });

  it("a forwarded call is audited with its client's address, not the forwarding node's; a forged vouch is ignored", async () => {
    const holder = [a, b].find((g) => g.gw.cluster!.node.holds({ cameraId: cams[1]!, profile: 'main' }))!;
    const other = holder === a ? b : a;
    // the client connects from 127.0.0.5; the node forwards from 127.0.0.1
    const open = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: other.gw.port,
            path: `/api/v1/cameras/${cams[1]}/streams`,
            method: 'POST',
            localAddress: '127.0.0.5',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
          },
          (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.once('error', reject);
        req.end(JSON.stringify({ profile: 'main' }));
      });
    const newest = async () =>
      (
        await a.gw.db
          .knex('audit_log')
          .where({ action: 'stream.open', target_id: cams[1] })
          .orderBy('id', 'desc')
          .first()
      ).ip as string;
    assert.equal(await open({}), 201);
    assert.equal(await newest(), '127.0.0.5', 'the client, vouched for by the forwarding node');
    const forged = `203.0.113.9 ${Math.floor(Date.now() / 1000)} ${'0'.repeat(64)}`;
    assert.equal(await open({ 'x-cloudeye-client': forged }), 201);
    assert.equal(await newest(), '127.0.0.5', "a client's own vouch is not believed");
  });

  it('PTZ control is held once cluster-wide: taken at one node, refused at the other to an operator of equal rank', async () => {
    const sims = await startSimCameras({
      count: 1,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pass',
      vendorMix: ['hikvision'],
      perCamera: () => ({ ptz: true }),
    });
    try {
      const id = await registerOnvifCamera(a, token, sims.cameras[0]!, {
        network: 'ptz-lan',
        name: '云台',
        lng: 111.7,
        lat: 29.03,
      });
      await a.addUser('ptz-1', 'operator', 'traffic');
      await a.addUser('ptz-2', 'operator', 'traffic');
      const [one, two] = [await a.login('ptz-1'), await a.login('ptz-2')];
      // each node asked by one operator: whichever node controls the camera, one of the two calls is forwarded
      const took = await a.api('POST', `/api/v1/cameras/${id}/ptz/control`, { token: one });
      assert.equal(took.status, 200, took.text);
      const refused = await b.api('POST', `/api/v1/cameras/${id}/ptz/control`, { token: two });
      assert.equal(refused.status, 409, refused.text);
      assert.match(refused.body.detail, /ptz-1/);
      const seen = await b.api('GET', `/api/v1/cameras/${id}/ptz/control`, { token: two });
      assert.equal(seen.body.holder?.name, 'ptz-1', seen.text);
      const moved = await b.api('POST', `/api/v1/cameras/${id}/ptz/move`, { token: one, body: { pan: 0.5 } });
      assert.equal(moved.status, 204, moved.text);
      assert.equal(sims.cameras[0]!.camera.ptzStatus().moving, true, 'the holder moves it through the other node');
    } finally {
      await sims.close();
    }
  });

  it('a server-run wall tour shows a camera whose pull runs on the other node (not skipped as failing)', async () => {
    const s = await a.api('POST', '/api/v1/wall/screens', { token, body: { name: '集群轮巡', layout: '4' } });
    assert.equal(s.status, 201, s.text);
    const screenId = s.body.screen.id as number;
    const paired = await a.api('POST', `/api/v1/wall/screens/${screenId}/pair`, {
      body: { secret: s.body.pairing.secret },
    });
    // camera 0's pull placed by a viewer; the tour is run by the other node
    const open = await a.api('POST', `/api/v1/cameras/${cams[0]}/streams`, { token, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    const holder = await waitFor(
      () => [a, b].find((g) => g.gw.cluster!.node.holds({ cameraId: cams[0]!, profile: 'main' })),
      {
        what: "camera 0's pull placed",
      },
    );
    const runner = holder === a ? b : a;
    const socket = io(runner.base, {
      path: '/socket.io',
      auth: { token: paired.body.token },
      transports: ['websocket'],
    });
    const got: Array<{ panes: Array<{ cameraId: string | null; skipped?: unknown[] }> }> = [];
    socket.on('wall:screen', (m: (typeof got)[number]) => got.push(m));
    try {
      await new Promise((ok) => socket.once('connect', () => ok(null)));
      const tour = await runner.api('POST', '/api/v1/wall/tours', {
        token,
        body: {
          name: '跨节点',
          steps: [
            { cameraId: cams[0], dwellS: 5 },
            { cameraId: cams[1], dwellS: 5 },
          ],
        },
      });
      assert.equal(tour.status, 201, tour.text);
      const r = await runner.api('POST', `/api/v1/wall/screens/${screenId}/tour`, {
        token,
        body: { tourId: tour.body.id },
      });
      assert.equal(r.status, 200, r.text);
      const first = await waitFor(() => got.find((m) => m.panes[0]?.cameraId), {
        what: 'the first step on the screen',
      });
      assert.equal(first.panes[0]!.cameraId, cams[0], `shown, not skipped: ${JSON.stringify(first.panes[0])}`);
    } finally {
      socket.close();
    }
  });
});
