// Events posted by integrators (API key scopes) and operators; listed only for visible cameras.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: events and API key scopes', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;
  let own: string;
  let foreign: string;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('eadmin', 'admin', 'traffic');
    await t.addUser('city', 'admin', null);
    admin = await t.login('eadmin');
    const city = await t.login('city');
    own = (
      await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: { name: 'own', mainUri: 'rtsp://10.1.1.1/a', lng: 111.69, lat: 29.03 },
      })
    ).body.id;
    foreign = (
      await t.api('POST', '/api/v1/cameras', {
        token: city,
        body: {
          name: 'foreign',
          departmentId: t.departments.police,
          mainUri: 'rtsp://10.1.1.2/a',
          lng: 111.69,
          lat: 29.03,
        },
      })
    ).body.id;
  });
  after(async () => t?.close());

  const key = async (scopes: string[]) =>
    (await t.api('POST', '/api/v1/api-keys', { token: admin, body: { name: `k-${scopes.join('-')}`, scopes } })).body
      .key as string;

  it('an integrator key with the events scope posts an event; it is listed; scopes limit the rest', async () => {
    const k = await key(['events']);
    const r = await t.api('POST', '/api/v1/events', {
      apiKey: k,
      body: { cameraId: own, type: 'alarm.intrusion', data: { zone: '东门', score: 0.93 } },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.data.zone, '东门');
    const list = await t.api('GET', '/api/v1/events', { apiKey: k });
    assert.deepEqual(
      list.body.items.map((e: { id: string }) => e.id),
      [],
      'without the view scope the key sees no camera, so no event',
    );
    const viewer = await key(['view', 'events']);
    const list2 = await t.api('GET', '/api/v1/events', { apiKey: viewer });
    assert.deepEqual(
      list2.body.items.map((e: { type: string }) => e.type),
      ['alarm.intrusion'],
    );
    assert.equal(
      (await t.api('GET', `/api/v1/gis/nearby?lng=111.69&lat=29.03`, { apiKey: viewer })).status,
      403,
      'no spatial scope',
    );
    assert.equal(
      (await t.api('GET', `/api/v1/gis/nearby?lng=111.69&lat=29.03`, { apiKey: await key(['spatial', 'view']) }))
        .status,
      200,
    );
  });

  it('a key without the events scope, or for an invisible camera, may not post', async () => {
    assert.equal(
      (await t.api('POST', '/api/v1/events', { apiKey: await key(['view']), body: { cameraId: own, type: 'x' } }))
        .status,
      403,
      'visible, but the scope is missing',
    );
    assert.equal(
      (
        await t.api('POST', '/api/v1/events', {
          apiKey: await key(['view', 'events']),
          body: { cameraId: foreign, type: 'x' },
        })
      ).status,
      404,
    );
  });

  const bad: Array<[string, unknown]> = [
    ['a type with spaces', { cameraId: '1', type: 'rm -rf' }],
    ['oversized data', { cameraId: '1', type: 'x', data: { blob: 'x'.repeat(20000) } }],
    ['a non-numeric camera id', { cameraId: '1 OR 1=1', type: 'x' }],
  ];
  for (const [name, body] of bad) {
    it(`400 for ${name}`, async () => {
      const r = await t.api('POST', '/api/v1/events', { token: admin, body });
      assert.equal(r.status, 400, r.text);
      assert.ok(r.body.errors.length > 0);
    });
  }
});
