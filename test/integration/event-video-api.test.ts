// Event → video and plate tracks over HTTP: linked cameras as each caller may see them, playback of the window, bad input.
import assert from 'node:assert/strict';
import { alarmWorld, at, auditRows, P, Q, type AlarmWorld } from '../helpers/alarms';
import { postWebhook } from '../helpers/events';
import { recordFootage } from '../helpers/footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('event → video API: linked cameras, playback windows, plate tracks', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let w: AlarmWorld;
  const iso = (ms: number): string => new Date(ms).toISOString();
  // the event time: a minute ago, so that its whole window (−10 s … +20 s) lies in the past
  const E = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const PLATE = '湘A77777';
  let posEvent: string;
  let camEvent: string;
  let alarmId: string;

  const post = async (body: Record<string, unknown>): Promise<string> => {
    const r = await postWebhook(t, w.source, JSON.stringify(body));
    assert.equal(r.status, 200, r.text);
    return String(r.body.events[0].id);
  };
  const read = (id: string, point: string, ms: number, plate = PLATE) =>
    post({
      id,
      kind: 'anpr',
      at: iso(ms),
      location: { point },
      anpr: { plate, direction: 'north', imageUrl: `http://10.0.0.5/anpr/${id}.jpg` },
    });

  before(async () => {
    t = await startTestGateway();
    w = await alarmWorld(t);
    // real footage of the west camera over E−15 s … E+25 s; none of the south camera
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    await recordFootage(t.gw.services.playback.repo, volume, w.cams.west, t.departments.traffic, E - 15_000, 20, 2);
    const rule = await t.api('POST', '/api/v1/alarm-rules', {
      token: w.tokens.tadm,
      body: { name: 'boxes', kinds: ['alarm'], minSeverity: 3, preRollS: 2, postRollS: 3, ackTimeoutS: 600 },
    });
    assert.equal(rule.status, 201, rule.text);
    for (const [code, name, pos] of [
      ['KK-1', '人民路卡口', P],
      ['KK-2', '北站卡口', Q],
      ['KK-3', '南门卡口', at(0, -1000)],
    ] as const) {
      const r = await t.api('POST', '/api/v1/event-points', {
        token: w.tokens.tadm,
        body: { kind: 'checkpoint', code, name, ...pos },
      });
      assert.equal(r.status, 201, r.text);
    }
    const police = await t.api('POST', '/api/v1/event-points', {
      token: w.tokens.padm,
      body: { kind: 'checkpoint', code: 'PK-1', name: '警用卡口', ...P },
    });
    assert.equal(police.status, 201, police.text);
    posEvent = await post({
      id: 'box-1',
      kind: 'alarm',
      at: iso(E),
      location: { position: P },
      alarm: { alarmType: 'button', zone: 'Z1', severity: 4 },
    });
    camEvent = await post({
      id: 'own-1',
      kind: 'anpr',
      at: iso(E),
      location: { cameraId: w.cams.west },
      anpr: { plate: '湘B1' },
    });
    // the plate's reads, posted out of time order; another plate at the same checkpoint
    await read('r3', 'KK-3', E + 30_000, '湘a-77777');
    await read('r1', 'KK-2', E - 120_000);
    await read('r2', 'KK-1', E);
    await read('x1', 'KK-1', E + 1000, '湘A88888');
    const alarm = await waitFor(async () => t.gw.db.knex('alarms').where({ event_id: posEvent }).first(), {
      what: 'the alarm of box-1',
    });
    alarmId = String(alarm.id);
  });
  after(async () => t?.close());

  const get = (token: string, url: string) => t.api('GET', url, { token });

  describe('GET /events/{id}/video', () => {
    it('a position event: the nearest covering cameras the caller may see, a playback session of −10 s … +20 s', async () => {
      const r = await get(w.tokens.top, `/api/v1/events/${posEvent}/video`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.selection, 'covering');
      assert.deepEqual([r.body.from, r.body.to], [iso(E - 10_000), iso(E + 20_000)]);
      // police's camera is nearest and sees P, but police shares nothing with traffic
      assert.deepEqual(
        r.body.cameras.map((c: any) => c.id),
        [w.cams.west, w.cams.south],
      );
      const [west, south] = r.body.cameras;
      assert.equal(west.live, `/api/v1/cameras/${w.cams.west}/streams`);
      assert.deepEqual([west.mayPlayback, west.footage, west.covering], [true, true, true]);
      assert.equal(west.playback.start, iso(E - 10_000));
      assert.equal(west.playback.windowEnd, iso(E + 20_000));
      assert.deepEqual([south.mayPlayback, south.footage, south.playback], [true, false, null]);
      // the session plays: its stream is real fMP4 and its map ends inside the window
      const map = await fetch(t.base + west.playback.map).then((x) => x.json());
      assert.ok(Date.parse(map.end) <= E + 20_000 + 2000, `map ends at ${map.end}`);
      const mp4 = await fetch(t.base + west.playback.stream);
      assert.equal(mp4.status, 200);
      const bytes = Buffer.from(await mp4.arrayBuffer());
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
      const audit = (await auditRows(t, 'playback.open')).filter((a) => a.detail.session === west.playback.sessionId);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].detail.reason, `event ${posEvent}`);
    });

    it('an event with its own camera: that camera; a viewer (no playback right) gets live only', async () => {
      const own = await get(w.tokens.top, `/api/v1/events/${camEvent}/video`);
      assert.equal(own.status, 200, own.text);
      assert.equal(own.body.selection, 'event');
      assert.deepEqual(
        own.body.cameras.map((c: any) => [c.id, c.distanceM, c.footage]),
        [[w.cams.west, 0, true]],
      );
      const viewer = await get(w.tokens.tview, `/api/v1/events/${posEvent}/video`);
      assert.equal(viewer.status, 200, viewer.text);
      assert.deepEqual(
        viewer.body.cameras.map((c: any) => [c.id, c.live, c.mayPlayback, c.footage, c.playback]),
        [
          [w.cams.west, `/api/v1/cameras/${w.cams.west}/streams`, false, null, null],
          [w.cams.south, `/api/v1/cameras/${w.cams.south}/streams`, false, null, null],
        ],
      );
    });

    it('an event the caller may not see is 404, an unknown one 404, a malformed id 400', async () => {
      assert.equal((await get(w.tokens.pop, `/api/v1/events/${posEvent}/video`)).status, 404);
      assert.equal((await get(w.tokens.pop, `/api/v1/events/${camEvent}/video`)).status, 404);
      assert.equal((await get(w.tokens.top, '/api/v1/events/999999999/video')).status, 404);
      const bad = await get(w.tokens.top, '/api/v1/events/abc/video');
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.text, /params\.id|id/);
      assert.equal((await t.api('GET', `/api/v1/events/${posEvent}/video`)).status, 401);
    });
  });

  describe('GET /alarms/{id}/video', () => {
    it("the rule's cameras with the event's window; another department's alarm 404; bad id 400", async () => {
      const r = await get(w.tokens.top, `/api/v1/alarms/${alarmId}/video`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.selection, 'alarm');
      assert.equal(r.body.alarmId, alarmId);
      assert.deepEqual(
        r.body.cameras.map((c: any) => [c.id, c.footage]),
        [
          [w.cams.west, true],
          [w.cams.south, false],
        ],
      );
      assert.equal(r.body.cameras[0].playback.start, iso(E - 10_000));
      assert.equal((await get(w.tokens.pop, `/api/v1/alarms/${alarmId}/video`)).status, 404);
      assert.equal((await get(w.tokens.top, '/api/v1/alarms/x1/video')).status, 400);
      // a viewer may not read alarms at all
      assert.equal((await get(w.tokens.tview, `/api/v1/alarms/${alarmId}/video`)).status, 403);
    });
  });

  it('the three routes are in the OpenAPI document with their parameters and answers', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
    for (const p of ['/api/v1/events/{id}/video', '/api/v1/alarms/{id}/video', '/api/v1/plates/{plate}/track']) {
      const op = doc.paths[p]?.get;
      assert.ok(op, `${p} documented`);
      assert.ok(JSON.stringify(op.responses).includes('cameras') || p.includes('plates'), p);
    }
    const track = JSON.stringify(doc.paths['/api/v1/plates/{plate}/track'].get);
    for (const word of ['"from"', '"to"', 'LineString', 'clip', 'imageUrl']) assert.ok(track.includes(word), word);
  });

  describe('GET /plates/{plate}/track', () => {
    const range = `from=${encodeURIComponent(iso(E - 3600_000))}&to=${encodeURIComponent(iso(E + 3600_000))}`;
    const track = (token: string, plate: string, q = range) =>
      get(token, `/api/v1/plates/${encodeURIComponent(plate)}/track?${q}`);

    it('the reads in time order as a line and numbered points, each with checkpoint, image and a camera with its clip', async () => {
      const r = await track(w.tokens.top, '湘A 77777');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.type, 'FeatureCollection');
      assert.equal(r.body.plate, PLATE);
      assert.equal(r.body.truncated, false);
      const [line, ...points] = r.body.features;
      assert.equal(line.geometry.type, 'LineString');
      assert.equal(line.properties.points, 3);
      const pos = [Q, P, at(0, -1000)].map((x) => [x.lng, x.lat]);
      assert.deepEqual(line.geometry.coordinates, pos);
      assert.deepEqual(
        points.map((f: any) => [
          f.properties.seq,
          f.properties.at,
          f.properties.checkpoint.name,
          f.geometry.coordinates,
        ]),
        [
          [1, iso(E - 120_000), '北站卡口', pos[0]],
          [2, iso(E), '人民路卡口', pos[1]],
          [3, iso(E + 30_000), '南门卡口', pos[2]],
        ],
      );
      const p2 = points[1].properties;
      assert.equal(p2.imageUrl, 'http://10.0.0.5/anpr/r2.jpg');
      assert.deepEqual(
        [p2.camera.id, p2.camera.covering, p2.camera.footage, p2.camera.mayPlayback],
        [w.cams.west, true, true, true],
      );
      assert.deepEqual(p2.camera.clip, { from: iso(E - 10_000), to: iso(E + 20_000) });
      // Q: no sector reaches it; the nearest camera within the radius ("away", 40 m east, looking away), no footage
      const p1 = points[0].properties;
      assert.deepEqual([p1.camera.id, p1.camera.covering, p1.camera.footage], [w.cams.away, false, false]);
      // 1 km south of P: nothing within 300 m
      assert.equal(points[2].properties.camera, null);
      // the clip plays as a session of exactly that window
      const s = await t.api('POST', `/api/v1/cameras/${p2.camera.id}/playback`, {
        token: w.tokens.top,
        body: { start: p2.camera.clip.from, end: p2.camera.clip.to },
      });
      assert.equal(s.status, 201, s.text);
      assert.equal(s.body.windowEnd, p2.camera.clip.to);
      // a clip's end: after its start and within recording.playback.windowS (600 s) of it
      for (const end of [iso(E - 10_000), iso(E - 10_000 + 601_000), 'yesterday'])
        assert.equal(
          (
            await t.api('POST', `/api/v1/cameras/${p2.camera.id}/playback`, {
              token: w.tokens.top,
              body: { start: p2.camera.clip.from, end },
            })
          ).status,
          400,
          end,
        );
    });

    it('an unknown plate is an empty track; another department sees none of these reads', async () => {
      const none = await track(w.tokens.top, '湘Z00000');
      assert.equal(none.status, 200, none.text);
      assert.deepEqual(none.body.features, []);
      const police = await track(w.tokens.pop, PLATE);
      assert.equal(police.status, 200, police.text);
      assert.deepEqual(police.body.features, []);
    });

    it('a viewer gets the cameras without footage (no playback right)', async () => {
      const r = await track(w.tokens.tview, PLATE);
      assert.equal(r.status, 200, r.text);
      const cam = r.body.features[2].properties.camera;
      assert.deepEqual([cam.id, cam.mayPlayback, cam.footage], [w.cams.west, false, null]);
    });

    const bad: Array<[string, string, string, RegExp]> = [
      ['a reversed range', PLATE, `from=${iso(E)}&to=${iso(E - 1000)}`, /after from/],
      ['an empty range', PLATE, `from=${iso(E)}&to=${iso(E)}`, /after from/],
      ['a range over 31 days', PLATE, `from=${iso(E - 32 * 86_400_000)}&to=${iso(E)}`, /31 days/],
      ['no range', PLATE, '', /from/],
      ['a time without offset', PLATE, `from=2026-01-01T00:00:00&to=${iso(E)}`, /from/],
      ['a wildcard plate', '湘A*7', range, /exact plate/],
      ['a plate of symbols', '<script>', range, /letters, digits/],
      ['an unknown query field', PLATE, `${range}&kind=alarm`, /kind/],
    ];
    for (const [what, plate, q, why] of bad)
      it(`${what} is 400`, async () => {
        const r = await track(w.tokens.top, plate, q.replace(/\+/g, '%2B'));
        assert.equal(r.status, 400, r.text);
        assert.match(r.text, why);
      });
  });
});
