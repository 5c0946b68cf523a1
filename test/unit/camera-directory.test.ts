// CameraDirectory: the start-up / reload read of every camera never loses a change made while it runs.
import assert from 'node:assert/strict';
import type { CameraRecord } from '../../gateway/db/cameras-repo';
import { CameraDirectory } from '../../gateway/spatial/camera-directory';

type Row = {
  id: string;
  name: string;
  lng: number;
  lat: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
  status: string;
  departmentId: number;
  tags: string[];
  gridId: number | null;
};
const row = (id: string, lng: number, lat = 29.03): Row => ({
  id,
  name: `cam ${id}`,
  lng,
  lat,
  bearing: null,
  fov: null,
  rangeM: null,
  status: 'online',
  departmentId: 1,
  tags: [],
  gridId: null,
});
// a change carries the whole camera record; the directory reads these fields of it
const record = (r: Row): CameraRecord => ({ ...r }) as unknown as CameraRecord;

const sortedIds = (dir: CameraDirectory): string[] => {
  const ids: string[] = [];
  dir.index.forEach((c) => ids.push(String(c.id)));
  return ids.sort();
};

describe('camera directory loads', () => {
  it('changes made during the database read are applied at once and survive the load', async () => {
    const table = [[row('a', 111.6), row('b', 111.61)], [row('c', 111.62)]];
    // the read pauses after its first page when `pause` is set, until the test releases it
    let pause: { reached: () => void; release: Promise<void> } | null = null;
    const dir = new CameraDirectory(
      async function* () {
        yield table[0]!;
        if (pause) {
          pause.reached();
          await pause.release;
        }
        yield table[1]!;
      },
      { defaultRangeM: 80 },
    );
    await dir.start();
    assert.deepEqual(sortedIds(dir), ['a', 'b', 'c']);

    let reached!: () => void, release!: () => void;
    const atPause = new Promise<void>((r) => (reached = r));
    pause = { reached, release: new Promise<void>((r) => (release = r)) };
    const reload = dir.start();
    await atPause; // a and b are read; these changes commit now
    dir.apply({ kind: 'upsert', camera: record(row('d', 111.63)) });
    dir.apply({ kind: 'remove', id: 'a' });
    dir.apply({ kind: 'upsert', camera: record(row('b', 111.7, 29.1)) });
    dir.setStatus('c', 'offline');
    // meanwhile queries are answered from the current content, changes included
    assert.ok(dir.lookup('d'));
    assert.equal(dir.lookup('a'), undefined);
    release();
    await reload;
    assert.deepEqual(sortedIds(dir), ['b', 'c', 'd']);
    assert.equal(dir.lookup('b')?.lng, 111.7, 'the move made during the read wins over the row read before it');
    assert.equal(dir.lookup('c')?.status, 'offline');

    // and a later load without changes starts clean: nothing is replayed twice
    pause = null;
    await dir.start();
    assert.deepEqual(sortedIds(dir), ['a', 'b', 'c']);
    assert.equal(dir.lookup('c')?.status, 'online');
  });

  it('overlapping loads run one after the other: the newer read lands last', async () => {
    let table: Row[] = [row('old', 111.6)];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reads = 0;
    const dir = new CameraDirectory(
      async function* () {
        const snapshot = table; // what a cursor would see when the read begins
        if (reads++ === 0) await gate;
        yield snapshot;
      },
      { defaultRangeM: 80 },
    );
    const first = dir.start();
    await new Promise((r) => setImmediate(r));
    table = [row('old', 111.6), row('new', 111.61)]; // rows written behind the gateway's back, then a reload
    const second = dir.start();
    release();
    await Promise.all([first, second]);
    assert.equal(reads, 2);
    assert.deepEqual(sortedIds(dir), ['new', 'old']);
  });

  it('a failed load does not block the next one', async () => {
    let fail = true;
    const dir = new CameraDirectory(
      async function* () {
        if (fail) throw new Error('database went away');
        yield [row('a', 111.6)];
      },
      { defaultRangeM: 80 },
    );
    await assert.rejects(dir.start(), /database went away/);
    fail = false;
    await dir.start();
    assert.deepEqual(sortedIds(dir), ['a']);
  });

  it('the index is loaded and compacted a step at a time: other work runs between the steps, and no change is lost', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 70_000; i++)
      rows.push(row(`c${i}`, 111.5 + (i % 300) * 0.001, 29 + Math.floor(i / 300) * 0.001));
    const dir = new CameraDirectory(
      async function* () {
        yield rows;
      },
      { defaultRangeM: 80, maxDelta: 100 },
    );
    await dir.start();
    assert.ok(dir.lastSteps.load > 10, `70,000 cameras load in many steps (${dir.lastSteps.load})`);
    const expected = new Set(rows.map((r) => r.id));
    // past maxDelta, a change starts a compaction in the background
    for (let i = 0; i < 101; i++) {
      dir.apply({ kind: 'upsert', camera: record(row(`n${i}`, 111.45, 29.0 + i * 0.0001)) });
      expected.add(`n${i}`);
    }
    assert.equal(dir.compacting, true);
    // between its steps the event loop serves other work: here, more changes and lookups
    let turns = 0;
    while (dir.compacting) {
      dir.apply({ kind: 'remove', id: `c${turns}` });
      expected.delete(`c${turns}`);
      dir.apply({ kind: 'upsert', camera: record(row(`c${turns + 1000}`, 111.4, 29.2)) }); // moved
      assert.equal(dir.lookup(`c${turns}`), undefined);
      assert.equal(dir.lookup(`c${turns + 1000}`)?.lng, 111.4);
      turns++;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(turns > 10, `the compaction yielded to other work ${turns} times`);
    assert.ok(dir.lastSteps.compact > 10);
    assert.deepEqual(sortedIds(dir), [...expected].sort());
    for (let i = 0; i < turns; i++)
      assert.equal(dir.lookup(`c${i + 1000}`)?.lng, 111.4, 'moves made during the compaction survive it');
    assert.ok(dir.index.deltaSize < 4 * turns + 10, 'the compaction folded the earlier delta in');
  });
});
