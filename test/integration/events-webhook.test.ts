// Webhook ingest on a real gateway: signatures, replay window, idempotency, bad payloads and locations, each a clear 4xx.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { io } from 'socket.io-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, countEvents, eventWorld, postWebhook, type EventWorld } from '../helpers/events';
import { signWebhook, WEBHOOK_HEADERS } from '../../gateway/events/webhook-signature';

describe('events: webhook ingest', function () {
  this.timeout(60000);
  let t: TestGateway;
  let w: EventWorld;
  let src: { id: number; secret: string };

  before(async () => {
    t = await startTestGateway();
    w = await eventWorld(t);
    src = await addSource(t, w.admin, { kind: 'webhook', name: 'anpr-gw' });
    const p = await t.api('POST', '/api/v1/event-points', {
      token: w.admin,
      body: { kind: 'checkpoint', code: 'KK-001', name: '东门卡口', lng: 111.695, lat: 29.031 },
    });
    assert.equal(p.status, 201, p.text);
    const q = await t.api('POST', '/api/v1/event-points', {
      token: w.city,
      body: {
        kind: 'alarm-point',
        code: 'AP-POL',
        name: '派出所',
        lng: 111.7,
        lat: 29.05,
        departmentId: t.departments.police,
      },
    });
    assert.equal(q.status, 201, q.text);
  });
  after(async () => t?.close());

  const anpr = (id: string, plate = '湘J12345') =>
    JSON.stringify({
      id,
      kind: 'anpr',
      location: { point: 'KK-001' },
      anpr: { plate, plateColor: 'blue', lane: 2, speedKmh: 48.5 },
    });

  it('a signed ANPR read is stored at its checkpoint before the answer; the secret is never listed', async () => {
    const r = await postWebhook(t, src, anpr('r-1'));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.accepted, r.body.duplicates], [1, 0]);
    const row = await t.gw.db.knex('events').where({ id: r.body.events[0].id }).first();
    assert.equal(row.kind, 'anpr');
    assert.equal(row.plate_norm, '湘J12345');
    assert.equal(row.department_id, t.departments.traffic);
    assert.deepEqual([row.lng, row.lat], [111.695, 29.031]);
    const list = await t.api('GET', '/api/v1/event-sources', { token: w.admin });
    assert.equal(list.body.items.length, 1);
    assert.ok(!list.text.includes(src.secret), 'the secret is returned once, at creation');
  });

  it('a repeated id is accepted once and answered as a duplicate of the first', async () => {
    const a = await postWebhook(t, src, anpr('r-dup'));
    const b = await postWebhook(t, src, anpr('r-dup'));
    assert.equal(b.status, 200, b.text);
    assert.deepEqual([b.body.accepted, b.body.duplicates], [0, 1]);
    assert.equal(b.body.events[0].id, a.body.events[0].id);
    assert.equal(await countEvents(t, { id: a.body.events[0].id }), 1);
    // the header key serves a body without its own id; a batch repeating an id stores it once
    const body = JSON.stringify({
      kind: 'alarm',
      location: { point: 'KK-001' },
      alarm: { alarmType: 'button', zone: 'Z1' },
    });
    const h = { headers: { [WEBHOOK_HEADERS.eventId]: 'hdr-1' } };
    assert.equal((await postWebhook(t, src, body, h)).body.accepted, 1);
    assert.equal((await postWebhook(t, src, body, h)).body.duplicates, 1);
    const batch = JSON.stringify({
      events: [JSON.parse(anpr('b-1')), JSON.parse(anpr('b-1')), JSON.parse(anpr('b-2'))],
    });
    const r = await postWebhook(t, src, batch);
    assert.deepEqual([r.body.accepted, r.body.duplicates], [2, 1]);
  });

  const refusals: Array<[string, () => Promise<{ status: number; body: any }>, number, RegExp]> = [
    [
      'no signature',
      () => postWebhook(t, src, anpr('x1'), { headers: { [WEBHOOK_HEADERS.signature]: '' } }),
      401,
      /no x-cloudeye-signature/,
    ],
    [
      'a signature by another secret',
      () => postWebhook(t, { ...src, secret: 'not-the-secret' }, anpr('x2')),
      401,
      /does not match/,
    ],
    [
      'a body changed after signing',
      () => postWebhook(t, src, anpr('x3'), { headers: { [WEBHOOK_HEADERS.signature]: `sha256=${'0'.repeat(64)}` } }),
      401,
      /does not match/,
    ],
    [
      'a replayed timestamp (10 min old)',
      () => postWebhook(t, src, anpr('x4'), { tsS: Math.floor(Date.now() / 1000) - 600 }),
      401,
      /window ±300 s/,
    ],
    [
      'an unknown source',
      () => postWebhook(t, { id: 999999, secret: 'x' }, anpr('x5')),
      401,
      /not an enabled webhook source/,
    ],
    [
      'an idempotency key of 200 characters',
      () =>
        postWebhook(t, src, anpr('x9').replace('"id":"x9",', ''), {
          headers: { [WEBHOOK_HEADERS.eventId]: 'k'.repeat(200) },
        }),
      400,
      /X-Cloudeye-Event-Id/,
    ],
    ['malformed JSON', () => postWebhook(t, src, '{"kind": "anpr",'), 400, /malformed JSON/],
    ['a "__proto__" key', () => postWebhook(t, src, '{"__proto__": {"x": 1}, "kind": "custom"}'), 400, /__proto__/],
    [
      'an unknown kind',
      () => postWebhook(t, src, JSON.stringify({ kind: 'weather', location: { point: 'KK-001' } })),
      400,
      /failed validation/,
    ],
    [
      'an ANPR read without a plate',
      () => postWebhook(t, src, JSON.stringify({ kind: 'anpr', location: { point: 'KK-001' }, anpr: {} })),
      400,
      /failed validation/,
    ],
    [
      'an event without location',
      () => postWebhook(t, src, JSON.stringify({ kind: 'alarm', alarm: { alarmType: 'fire', zone: 'A' } })),
      400,
      /failed validation/,
    ],
    [
      'an unknown camera',
      () => postWebhook(t, src, JSON.stringify({ kind: 'custom', type: 'x', location: { cameraId: '987654321' } })),
      400,
      /no camera 987654321/,
    ],
    [
      'an unknown checkpoint',
      () => postWebhook(t, src, anpr('x6').replace('KK-001', 'KK-404')),
      400,
      /no checkpoint or alarm point "KK-404"/,
    ],
    [
      'a camera of a department the source may not see',
      () => postWebhook(t, src, JSON.stringify({ kind: 'custom', type: 'x', location: { cameraId: w.foreign } })),
      403,
      /may not post events for camera/,
    ],
    [
      'a point of a department the source may not see',
      () => postWebhook(t, src, anpr('x7').replace('KK-001', 'AP-POL')),
      403,
      /may not post events for point/,
    ],
    [
      'an event older than the retention',
      () => postWebhook(t, src, JSON.stringify({ ...JSON.parse(anpr('x8')), at: '2020-01-01T00:00:00Z' })),
      400,
      /retention/,
    ],
    [
      'an oversized body',
      () =>
        postWebhook(
          t,
          src,
          JSON.stringify({
            kind: 'custom',
            type: 'x',
            location: { point: 'KK-001' },
            data: { b: 'x'.repeat(1_200_000) },
          }),
        ),
      413,
      /./,
    ],
    [
      'a body of another media type',
      () => postWebhook(t, src, anpr('ct-1'), { type: 'text/html' }),
      415,
      /content type/,
    ],
    [
      'a batch with one bad event',
      () => postWebhook(t, src, JSON.stringify({ events: [JSON.parse(anpr('ok-1')), { kind: 'anpr' }] })),
      400,
      /events\[1\]/,
    ],
  ];
  for (const [name, send, status, message] of refusals)
    it(`${status} for ${name}, nothing stored`, async () => {
      const before = await countEvents(t);
      const r = await send();
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(String(r.body?.detail ?? ''), message);
      if (status === 400) assert.ok(r.body.errors.length > 0, 'field paths');
      assert.equal(await countEvents(t), before);
    });

  it('a gzip body (Content-Encoding) is inflated and checked against the signature of the bytes inflated', async () => {
    const body = anpr('gz-1');
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${t.base}/api/v1/events/webhook/${src.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        [WEBHOOK_HEADERS.timestamp]: String(ts),
        [WEBHOOK_HEADERS.signature]: signWebhook(src.secret, ts, body),
      },
      body: new Uint8Array(gzipSync(Buffer.from(body))),
    });
    const answer = (await res.json()) as { accepted: number; events: Array<{ id: string }> };
    assert.equal(res.status, 200, JSON.stringify(answer));
    assert.equal(answer.accepted, 1);
    assert.equal(await countEvents(t, { id: answer.events[0]!.id }), 1);
  });

  it('the API still takes per-camera events from callers, folded into the same store', async () => {
    const r = await t.api('POST', '/api/v1/events', { token: w.admin, body: { cameraId: w.own, type: 'door.open' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.kind, 'custom');
    assert.equal(r.body.source, 'user:evadmin');
    assert.equal(
      (await t.api('POST', '/api/v1/events', { token: w.admin, body: { cameraId: w.foreign, type: 'x' } })).status,
      404,
    );
  });

  it('every stored event with a camera is pushed after its commit to the sockets that may see the camera', async () => {
    await t.addUser('evurban', 'operator', 'urban');
    const sockets = [w.admin, await t.login('evurban')].map((token) =>
      io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'] }),
    );
    try {
      const got: string[][] = [[], []];
      await Promise.all(sockets.map((s) => new Promise((r) => s.on('connect', () => r(null)))));
      sockets.forEach((s, i) =>
        s.on('camera:event', (e: { id: string; type: string }) => got[i]!.push(`${e.type}:${e.id}`)),
      );
      const body = JSON.stringify({
        kind: 'camera',
        location: { cameraId: w.own },
        camera: { event: 'tamper', topic: 'x/Tamper', active: true },
      });
      const r = await postWebhook(t, src, body);
      assert.equal(r.status, 200, r.text);
      const want = `camera.tamper:${r.body.events[0].id}`;
      const end = Date.now() + 5000;
      while (!got[0]!.includes(want) && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
      assert.deepEqual(got[0], [want], 'the camera owner is told');
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual(got[1], [], 'another department is not');
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
