// Webhook reliability: a flood meets a bounded queue (429 + Retry-After, nothing accepted lost); a gateway restart loses and doubles nothing.
import assert from 'node:assert/strict';
import { startGateway } from '../../gateway/main';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { addSource, countEvents, eventWorld, postWebhook, type EventWorld } from '../helpers/events';
import { waitFor } from '../helpers/wait-for';

describe('events: webhook under a flood and across a restart', function () {
  this.timeout(120000);
  let t: TestGateway;
  let w: EventWorld;
  let src: { id: number; secret: string };
  const body = (id: string) =>
    JSON.stringify({ id, kind: 'alarm', location: { cameraId: w.own }, alarm: { alarmType: 'alarm-box', zone: 'Z' } });

  before(async () => {
    // a small queue, small batches and one writer, so a burst of a few hundred requests fills it
    t = await startTestGateway({ events: { queue: { maxEvents: 30, batchSize: 5, retryAfterS: 2, writers: 1 } } });
    w = await eventWorld(t);
    src = await addSource(t, w.admin, { kind: 'webhook', name: 'flood' });
  });
  after(async () => t?.close());

  it('a burst of 600 requests: some 429 with Retry-After, every 200 stored once, nothing else stored', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    // the database stalls (its events table locked) while the burst arrives: the queue fills whatever the write rate,
    // and an answer 200 (given once the event is committed) waits until the lock is released
    const stall = await t.gw.db.knex.transaction();
    await stall.raw('LOCK TABLE events IN EXCLUSIVE MODE');
    let refused = 0;
    const sent = Array.from({ length: 600 }, (_v, i) =>
      postWebhook(t, src, body(`f-${i}`)).then((r) => ((refused += r.status === 429 ? 1 : 0), { i, r })),
    );
    await waitFor(() => refused > 0, { timeoutMs: 30_000 });
    await stall.commit();
    const answers = await Promise.all(sent);
    const ok = answers.filter((a) => a.r.status === 200);
    const busy = answers.filter((a) => a.r.status === 429);
    assert.equal(ok.length + busy.length, 600, `only 200 and 429: ${[...new Set(answers.map((a) => a.r.status))]}`);
    assert.ok(busy.length > 0, 'the bounded queue refused some');
    assert.ok(ok.length > 0);
    for (const b of busy) assert.equal(b.r.headers.get('retry-after'), '2');
    assert.match(busy[0]!.r.body.detail, /ingest queue full \(\d+ of 30 events waiting\)/);
    const stored = await t.gw.db.knex('event_keys').where({ source_id: src.id }).pluck('key');
    assert.deepEqual(new Set(stored), new Set(ok.map((a) => `f-${a.i}`)), 'exactly the accepted ones');
    assert.equal(await countEvents(t, { source_id: src.id }), ok.length);
    assert.equal(t.gw.services.events.writer.pending, 0);
    // the refused ones, sent again after Retry-After, are all taken
    for (const b of busy) assert.equal((await postWebhook(t, src, body(`f-${b.i}`))).status, 200);
    assert.equal(await countEvents(t, { source_id: src.id }), 600);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024, 'memory stays bounded');
  });

  it('a gateway stopped mid-flood and started again: every event once, whether its answer arrived or not', async () => {
    const ids = Array.from({ length: 200 }, (_v, i) => `r-${i}`);
    const first = t.gw;
    let firstAnswer!: () => void;
    const answeredOnce = new Promise<void>((ok) => (firstAnswer = ok));
    const sending = ids.map((id, i) =>
      new Promise((r) => setTimeout(r, i * 2)).then(() =>
        postWebhook(t, src, body(id)).then(
          (r) => (r.status === 200 && firstAnswer(), r.status),
          () => 0,
        ),
      ),
    );
    // stopped once the first answer is in (on a loaded machine that may take longer than the flood's first requests)
    await answeredOnce;
    await first.close();
    const statuses = await Promise.all(sending);
    const answered = ids.filter((_id, i) => statuses[i] === 200);
    assert.ok(answered.length > 0 && answered.length < ids.length, `some answered before the stop: ${answered.length}`);
    const second = await startGateway(first.config, { schema: t.schema, log: () => undefined });
    try {
      const t2 = { ...t, base: `http://127.0.0.1:${second.port}` };
      // each answered one is stored; the sender retries everything it has no answer for (and some it has)
      const keys = new Set(await second.db.knex('event_keys').where({ source_id: src.id }).pluck('key'));
      for (const id of answered) assert.ok(keys.has(id), `${id} was answered 200 and is stored`);
      for (const id of ids) {
        const r = await postWebhook(t2, src, body(id));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.duplicates, answered.includes(id) ? 1 : r.body.duplicates);
      }
      const rows = await second.db
        .knex('events')
        .where({ source_id: src.id })
        .whereRaw("data->>'zone' = 'Z'")
        .count<{ c: string }[]>('* as c');
      assert.equal(Number(rows[0]!.c), 600 + ids.length, 'no event lost, none stored twice');
    } finally {
      await second.close();
    }
  });
});
