// Events storage: daily partitions ahead, retention drops whole days, a missing partition made on demand; vendor bodies by webhook.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { partitionName } from '../../gateway/db/events-repo';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, countEvents, eventWorld, postWebhook, type EventWorld } from '../helpers/events';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/events');
const DAY = 86_400_000;
const today = () => Math.floor(Date.now() / DAY) * DAY;

describe('events: partitions, retention and vendor formats', function () {
  this.timeout(60000);
  let t: TestGateway;
  let w: EventWorld;

  before(async () => {
    t = await startTestGateway({ events: { retentionDays: 30, partitionsAheadDays: 3, keysRetentionDays: 2 } });
    w = await eventWorld(t);
    await t.api('POST', '/api/v1/event-points', {
      token: w.admin,
      body: { kind: 'checkpoint', code: 'KK-9', name: '南环卡口', lng: 111.68, lat: 29.02 },
    });
  });
  after(async () => t?.close());

  const repo = () => t.gw.services.events.repo;

  it('the table is partitioned by day, from yesterday to the days ahead', async () => {
    const parts = await repo().partitions();
    for (let d = -1; d <= 3; d++)
      assert.ok(parts.includes(partitionName(today() + d * DAY)), `day ${d}: ${parts.join()}`);
    const kind = await t.gw.db.knex.raw(
      "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'events' AND n.nspname = ?",
      [t.schema],
    );
    assert.equal(kind.rows[0].relkind, 'p', 'a partitioned table');
  });

  it("a Hikvision ANPR body by webhook: stored at the source's checkpoint, its unset device clock kept aside", async () => {
    const src = await addSource(t, w.admin, {
      kind: 'webhook',
      name: 'hik',
      format: 'hikvision-anpr',
      settings: { point: 'KK-9' },
    });
    const xml = readFileSync(path.join(DIR, 'hikultimate-anpr-plates-poll.xml'));
    const r = await postWebhook(t, src, xml, { type: 'application/xml' });
    assert.equal(r.status, 200, r.text);
    const row = await t.gw.db.knex('events').where({ id: r.body.events[0].id }).first();
    assert.deepEqual([row.kind, row.plate, row.point_id !== null], ['anpr', 'DK18HVX', true]);
    assert.equal(row.data.deviceAt, '2020-04-24T08:16:27.000Z', 'device time (UTC+8) is older than the retention');
    assert.ok(Math.abs(row.at.getTime() - Date.now()) < 60_000, 'stored at the receive time');
    // the picture name keys the read: the camera posting it again is a duplicate
    assert.equal((await postWebhook(t, src, xml, { type: 'application/xml' })).body.duplicates, 1);
    const ax = await addSource(t, w.admin, {
      kind: 'webhook',
      name: 'axpro',
      format: 'hikvision-axpro',
      settings: { point: 'KK-9' },
    });
    const a = await postWebhook(t, ax, readFileSync(path.join(DIR, 'hikultimate-axpro-cidevent-zonealarm.json')));
    assert.equal(a.status, 200, a.text);
    assert.equal((await t.gw.db.knex('events').where({ id: a.body.events[0].id }).first()).type, 'alarm.intrusion');
    const bad = await postWebhook(t, src, '<Plates><Plate><plateNumber>湘J1</plateNumber>', {
      type: 'application/xml',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /hikvision-anpr payload/);
  });

  it('a day whose partition is missing is created when an event arrives for it', async () => {
    await t.gw.db.knex.raw(`DROP TABLE "${partitionName(today())}"`);
    const src = await addSource(t, w.admin, { kind: 'webhook', name: 'late' });
    const r = await postWebhook(t, src, JSON.stringify({ kind: 'custom', type: 'x', location: { point: 'KK-9' } }));
    assert.equal(r.status, 200, r.text);
    assert.ok((await repo().partitions()).includes(partitionName(today())));
  });

  it('retention drops whole days older than it, and forgets old idempotency keys', async () => {
    assert.ok((await countEvents(t)) > 0);
    const keys = Number((await t.gw.db.knex('event_keys').count<{ c: string }[]>('* as c'))[0]!.c);
    assert.ok(keys > 0);
    // 40 days on: today's partition is past the 30-day retention, the keys past their 2 days
    const later = new Date(Date.now() + 40 * DAY);
    const { created, dropped } = await t.gw.services.events.keeper.maintain(later);
    assert.ok(dropped.includes(partitionName(today())));
    assert.ok(created.includes(partitionName(later.getTime() - (later.getTime() % DAY))));
    assert.equal(await countEvents(t), 0);
    const oldest = (await repo().partitions())[0]!;
    assert.ok(oldest >= partitionName(later.getTime() - 31 * DAY), `nothing older than the retention kept: ${oldest}`);
    await t.gw.db.knex('event_keys').update({ created_at: new Date(Date.now() - 3 * DAY) });
    await t.gw.services.events.keeper.maintain();
    assert.equal(Number((await t.gw.db.knex('event_keys').count<{ c: string }[]>('* as c'))[0]!.c), 0);
  });
});
