// The event write queue: batches, a bound that refuses with RateLimitError, callers answered after the write, listeners after commit.
import assert from 'node:assert/strict';
import { RateLimitError } from '../../gateway/errors';
import type { EventRow, InsertOutcome } from '../../gateway/db/events-repo';
import type { StoredEvent } from '../../gateway/events/event-model';
import { EventWriter, type EventStore } from '../../gateway/events/event-writer';

const row = (key: string): EventRow => ({
  at: new Date(),
  kind: 'custom',
  type: 'x',
  sourceId: 1,
  source: 's',
  cameraId: null,
  pointId: null,
  departmentId: 1,
  lng: 0,
  lat: 0,
  plate: null,
  plateNorm: null,
  data: {},
  key,
});

/** A store whose writes finish when the test says; keys seen before are duplicates. */
class GatedStore implements EventStore {
  readonly batches: string[][] = [];
  private readonly seen = new Set<string>();
  private gate: Array<() => void> = [];
  failNext: unknown = null;
  open(): void {
    for (const g of this.gate.splice(0)) g();
  }
  async insertBatch(rows: EventRow[]): Promise<InsertOutcome[]> {
    await new Promise<void>((r) => this.gate.push(r));
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    this.batches.push(rows.map((r) => r.key!));
    return rows.map((r) => {
      if (this.seen.has(r.key!)) return { duplicateOf: '1' };
      this.seen.add(r.key!);
      return { stored: { id: r.key!, type: 'x' } as StoredEvent };
    });
  }
  async ensurePartitions(): Promise<string[]> {
    return [];
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('events: write queue', () => {
  it('answers each caller with its own outcomes after the write, in batches of batchSize', async () => {
    const store = new GatedStore();
    const w = new EventWriter(store, { maxQueue: 100, batchSize: 3, retryAfterS: 1 }, () => undefined);
    const accepted: string[] = [];
    w.onAccepted((e) => accepted.push(e.id));
    const a = w.submit([row('a1'), row('a2')]);
    const b = w.submit([row('b1'), row('a1')]);
    let done = false;
    void a.then(() => (done = true));
    await tick();
    assert.equal(done, false, 'not answered before the write');
    assert.equal(w.pending, 4);
    store.open();
    const ra = await a;
    await tick();
    store.open();
    const rb = await b;
    assert.deepEqual(
      store.batches,
      [
        ['a1', 'a2'],
        ['b1', 'a1'],
      ],
      'a job is never split; the next batch waits',
    );
    assert.deepEqual(
      ra.map((o) => ('stored' in o ? o.stored.id : 'dup')),
      ['a1', 'a2'],
    );
    assert.deepEqual(
      rb.map((o) => ('stored' in o ? o.stored.id : 'dup')),
      ['b1', 'dup'],
    );
    assert.deepEqual(accepted, ['a1', 'a2', 'b1'], 'listeners hear stored events only');
    assert.equal(w.pending, 0);
    assert.deepEqual(w.stats, { stored: 3, duplicates: 1, refused: 0, batches: 2 });
  });

  it('refuses beyond maxQueue with RateLimitError (Retry-After), and takes again once written', async () => {
    const store = new GatedStore();
    const w = new EventWriter(store, { maxQueue: 3, batchSize: 10, retryAfterS: 7 }, () => undefined);
    const first = w.submit([row('1'), row('2'), row('3')]);
    assert.throws(
      () => w.submit([row('4')]),
      (e: unknown) => e instanceof RateLimitError && e.retryAfterS === 7 && /3 of 3 events waiting/.test(e.message),
    );
    await tick();
    store.open();
    await first;
    const next = w.submit([row('4')]);
    await tick();
    store.open();
    assert.equal((await next).length, 1);
    assert.equal(w.stats.refused, 1);
  });

  it('a failed write rejects its callers and frees the queue; close waits for what is queued', async () => {
    const store = new GatedStore();
    const w = new EventWriter(store, { maxQueue: 10, batchSize: 10, retryAfterS: 1 }, () => undefined);
    store.failNext = new Error('db down');
    const p = w.submit([row('x')]);
    await tick();
    store.open();
    await assert.rejects(p, /db down/);
    assert.equal(w.pending, 0);
    const q = w.submit([row('y')]);
    const closing = w.close();
    await tick();
    store.open();
    await closing;
    assert.equal((await q).length, 1);
    await assert.rejects(w.submit([row('z')]), /stopping/);
  });

  it('with several writers, the next batch is written while one waits for its commit; close waits for all', async () => {
    const store = new GatedStore();
    let writing = 0;
    const insert = store.insertBatch.bind(store);
    store.insertBatch = (rows) => (writing++, insert(rows));
    const w = new EventWriter(store, { maxQueue: 100, batchSize: 2, retryAfterS: 1, writers: 2 }, () => undefined);
    const a = w.submit([row('a1'), row('a2')]);
    const b = w.submit([row('b1')]);
    const c = w.submit([row('c1')]);
    await tick();
    assert.equal(writing, 2, 'two batches in flight, the third waits for a writer');
    const closing = w.close();
    store.open();
    await Promise.all([a, b]);
    await tick();
    assert.equal(writing, 3);
    store.open();
    await closing;
    assert.equal((await c).length, 1);
    assert.deepEqual(store.batches.flat().sort(), ['a1', 'a2', 'b1', 'c1']);
  });
});
