// Event search on a real gateway: kind, time, plate exact and pattern, area (bbox, circle, polygon), paging, the access policy.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, eventWorld, postWebhook, type EventWorld } from '../helpers/events';

describe('events: search', function () {
  this.timeout(60000);
  let t: TestGateway;
  let w: EventWorld;
  let viewer: string;
  const now = Date.now();
  const at = (minAgo: number) => new Date(now - minAgo * 60_000).toISOString();
  const read = (id: string, plate: string, point: string, minAgo: number) => ({
    id,
    kind: 'anpr',
    at: at(minAgo),
    location: { point },
    anpr: { plate },
  });

  before(async () => {
    t = await startTestGateway();
    w = await eventWorld(t);
    await t.addUser('evview', 'viewer', 'traffic');
    viewer = await t.login('evview');
    const point = (token: string, code: string, lng: number, lat: number, departmentId?: number) =>
      t.api('POST', '/api/v1/event-points', {
        token,
        body: { kind: 'checkpoint', code, name: code, lng, lat, ...(departmentId ? { departmentId } : {}) },
      });
    await point(w.admin, 'KK-A', 111.69, 29.03);
    await point(w.admin, 'KK-B', 111.75, 29.1);
    await point(w.city, 'KK-P', 111.7, 29.04, t.departments.police);
    const traffic = await addSource(t, w.admin, { kind: 'webhook', name: 'traffic-anpr' });
    const police = await addSource(t, w.city, {
      kind: 'webhook',
      name: 'police-anpr',
      departmentId: t.departments.police,
    });
    const batch = (events: unknown[]) => JSON.stringify({ events });
    let r = await postWebhook(
      t,
      traffic,
      batch([
        read('a1', '湘J18888', 'KK-A', 50),
        read('a2', '湘J12345', 'KK-A', 40),
        read('a3', '湘JA8B99', 'KK-B', 30),
        read('a4', '粤B12345', 'KK-B', 20),
        {
          id: 'm1',
          kind: 'alarm',
          at: at(10),
          location: { position: { lng: 111.691, lat: 29.031 } },
          alarm: { alarmType: 'fire', zone: '3F' },
        },
        { id: 'c1', kind: 'custom', type: 'door.open', at: at(5), location: { cameraId: w.own }, data: {} },
      ]),
    );
    assert.equal(r.body.accepted, 6, r.text);
    r = await postWebhook(
      t,
      police,
      batch([
        read('p1', '湘J88888', 'KK-P', 15),
        { id: 'p2', kind: 'custom', type: 'x', location: { cameraId: w.foreign } },
      ]),
    );
    assert.equal(r.body.accepted, 2, r.text);
  });
  after(async () => t?.close());

  const search = async (q: string, token = viewer) => {
    const r = await t.api('GET', `/api/v1/events?${q}`, { token });
    assert.equal(r.status, 200, r.text);
    return r.body.items.map(
      (e: { data: Record<string, unknown>; plate: string | null; type: string }) => e.plate ?? e.type,
    ) as string[];
  };

  it('kind and time range, newest first', async () => {
    assert.deepEqual(await search('kind=anpr'), ['粤B12345', '湘JA8B99', '湘J12345', '湘J18888']);
    assert.deepEqual(
      await search(`kind=anpr,alarm&from=${encodeURIComponent(at(35))}&to=${encodeURIComponent(at(8))}`),
      ['alarm.fire', '粤B12345', '湘JA8B99'],
    );
  });

  it('plates: exact (normalised), * any run, ? one character', async () => {
    assert.deepEqual(await search('plate=湘j·12345'), ['湘J12345']);
    assert.deepEqual(await search(`plate=${encodeURIComponent('湘J*8*')}`), ['湘JA8B99', '湘J18888']);
    assert.deepEqual(await search(`plate=${encodeURIComponent('*12345')}`), ['粤B12345', '湘J12345']);
    assert.deepEqual(await search(`plate=${encodeURIComponent('湘J?8B99')}`), ['湘JA8B99']);
    for (const bad of ['*8*', '湘J%25', "湘J'--"]) {
      const r = await t.api('GET', `/api/v1/events?plate=${encodeURIComponent(bad)}`, { token: viewer });
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.errors[0].path, 'query.plate');
    }
  });

  it('a partial plate search is answered from the trigram index, an exact one from the btree', async () => {
    const plan = async (where: string) =>
      t.gw.db.knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off');
        return JSON.stringify((await trx.raw(`EXPLAIN SELECT id FROM events WHERE ${where}`)).rows);
      });
    const trgm = /Bitmap Index Scan on events_p\d+_plate_norm_idx/;
    assert.match(await plan("plate_norm LIKE '湘J%8%'"), trgm);
    assert.match(await plan("plate_norm LIKE '%8%9'"), trgm);
    assert.match(await plan("plate_norm = '湘J12345'"), /Index Scan using events_p\d+_plate_norm_at_idx/);
  });

  it('areas: bbox, circle (exact distance, not its box), polygon', async () => {
    assert.deepEqual(await search('kind=anpr&bbox=111.6,29.0,111.7,29.05'), ['湘J12345', '湘J18888']);
    // 1 km around KK-A: the fire 130 m away and the camera (at KK-A) are in, KK-B (9 km) is not
    assert.deepEqual(await search('near=111.69,29.03,1000'), ['door.open', 'alarm.fire', '湘J12345', '湘J18888']);
    const poly = {
      type: 'Polygon',
      coordinates: [
        [
          [111.74, 29.09],
          [111.76, 29.09],
          [111.76, 29.11],
          [111.74, 29.11],
          [111.74, 29.09],
        ],
      ],
    };
    assert.deepEqual(await search(`polygon=${encodeURIComponent(JSON.stringify(poly))}`), ['粤B12345', '湘JA8B99']);
    for (const q of ['bbox=1,2,3', 'near=111,29,0', 'polygon={"type":"Point"}', 'bbox=0,0,1,1&near=0,0,5']) {
      const r = await t.api('GET', `/api/v1/events?${q}`, { token: viewer });
      assert.equal(r.status, 400, `${q}: ${r.text}`);
    }
  });

  it("the policy: other departments' events only through a share; a city-wide admin sees all", async () => {
    assert.ok(!(await search('')).includes('湘J88888'));
    assert.ok(!(await search('')).includes('x'));
    assert.equal((await search('', w.city)).length, 8);
    // police shares one camera with traffic: that camera's events appear, its checkpoint's do not
    const s = await t.api('POST', '/api/v1/shares', {
      token: w.city,
      body: {
        fromDepartmentId: t.departments.police,
        toDepartmentId: t.departments.traffic,
        kind: 'cameras',
        cameraIds: [w.foreign],
      },
    });
    assert.equal(s.status, 201, s.text);
    assert.deepEqual(
      (await search('')).filter((x) => x === 'x' || x === '湘J88888'),
      ['x'],
    );
    // a whole-department share reaches the checkpoint too
    await t.api('POST', '/api/v1/shares', {
      token: w.city,
      body: { fromDepartmentId: t.departments.police, toDepartmentId: t.departments.traffic, kind: 'all' },
    });
    assert.deepEqual(
      (await search('')).filter((x) => x === 'x' || x === '湘J88888'),
      ['x', '湘J88888'],
    );
  });

  it('pages by cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const r = await t.api('GET', `/api/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: w.city });
      seen.push(...r.body.items.map((e: { id: string }) => e.id));
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    assert.equal(seen.length, 8);
    assert.equal(new Set(seen).size, 8);
  });
});
