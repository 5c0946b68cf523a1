// MapClusters: map clusters built on a worker thread, served stale while they rebuild, surviving a lost worker.
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { MapClusters } from '../../gateway/spatial/map-clusters';
import { CameraIndex } from '../../gis/camera-index';
import { GisInputError } from '../../gis/errors';
import type { GisCamera } from '../../gis/types';
import { randomCameras } from '../helpers/gis-random';
import { waitFor } from '../helpers/wait-for';

const world: [number, number, number, number] = [-180, -85, 180, 85];
const total = (markers: Array<{ cluster: boolean; count?: number }>): number =>
  markers.reduce((n, m) => n + (m.cluster ? (m.count as number) : 1), 0);
const all = (): boolean => true;

describe('map clusters on a worker thread', function () {
  this.timeout(60_000);
  const cams = randomCameras(4000, 17);
  let index: CameraIndex;
  let clusters: MapClusters | null = null;
  beforeEach(() => {
    index = new CameraIndex();
    index.load(cams);
  });
  afterEach(async () => {
    await clusters?.close();
    clusters = null;
  });

  it('builds on another thread than the event loop, and answers with every visible camera', async () => {
    clusters = new MapClusters(index, { radius: 80 });
    const own = (c: GisCamera): boolean => c.departmentId === 2;
    const r = await clusters.query('dept-2', own, {}, world, 3);
    assert.equal(r.stale, false);
    assert.equal(total(r.markers), cams.filter(own).length);
    assert.notEqual(clusters.stats.buildThreadId, threadId, 'the clusters were built on the worker thread');
    assert.ok(clusters.stats.buildThreadId > 0);
    const leaves = (await clusters.query('dept-2', own, {}, world, 20)).markers;
    assert.deepEqual(new Set(leaves.map((m) => (m.cluster ? null : m.id))), new Set(cams.filter(own).map((c) => c.id)));
    assert.equal(clusters.stats.builds, 1, 'the second query used the built set');
  });

  it('the event loop keeps turning while a big set is built', async () => {
    const big = new CameraIndex();
    big.load(randomCameras(300_000, 19));
    clusters = new MapClusters(big, { radius: 80 });
    let turns = 0,
      done = false;
    const spin = (): void => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const r = await clusters.query('everything', all, {}, world, 2);
    done = true;
    assert.equal(total(r.markers), 300_000);
    // gathering 300k cameras takes 5 slices of 65,536 slots; the clustering itself (hundreds of ms
    // on the worker) leaves the loop free. Built on the loop, it would have turned about 5 times.
    assert.ok(turns > 50, `the event loop turned ${turns} times during the build`);
  });

  it('serves the previous set while a changed index is rebuilt, then the new one', async () => {
    clusters = new MapClusters(index, { radius: 80, minRebuildMs: 0 });
    const before = await clusters.query('all', all, {}, world, 0);
    index.upsert({ id: 'new-one', lng: 111.7, lat: 29.0, status: 'online', departmentId: 1, tags: [] });
    const stale = await clusters.query('all', all, {}, world, 0);
    assert.equal(stale.stale, true);
    assert.equal(total(stale.markers), cams.length, 'the previous set, at once');
    assert.equal(stale.version, before.version);
    await waitFor(
      async () => {
        const r = await clusters!.query('all', all, {}, world, 0);
        return !r.stale && total(r.markers) === cams.length + 1;
      },
      { what: 'the rebuilt set' },
    );
  });

  it('a lost worker is replaced: the query in flight is retried and later ones rebuild', async () => {
    clusters = new MapClusters(index, { radius: 80 });
    await clusters.query('all', all, {}, world, 4);
    assert.equal(clusters.stats.workerStarts, 1);
    await clusters.killWorker();
    const r = await clusters.query('all', all, {}, world, 4);
    assert.equal(total(r.markers), cams.length);
    assert.equal(clusters.stats.workerStarts, 2);
    assert.equal(clusters.stats.builds, 2, 'the set was built again on the new worker');
    // killed under a build: the retry answers
    const pending = clusters.query('other', (c) => c.status === 'online', {}, world, 4);
    setImmediate(() => void clusters!.killWorker());
    assert.equal(total((await pending).markers), cams.filter((c) => c.status === 'online').length);
  });

  it('a worker that does not answer in time is ended and the call fails with a clear error', async () => {
    const big = new CameraIndex();
    big.load(randomCameras(200_000, 23));
    clusters = new MapClusters(big, { radius: 80, timeoutMs: 20 });
    await assert.rejects(clusters.query('everything', all, {}, world, 2), /did not answer a build within 20 ms/);
    assert.equal(clusters.stats.workerStarts, 2, 'ended, restarted for the one retry, ended again');
  });

  it('a timed-out worker is let go at once: the retry, made before its exit, runs on a new worker', async () => {
    // a small set is gathered without yielding, so the retry's call follows the timeout at once,
    // before the terminated worker's 'exit' event; neither worker can even boot within 5 ms
    const small = new CameraIndex();
    small.load(randomCameras(50, 31));
    clusters = new MapClusters(small, { radius: 80, timeoutMs: 5 });
    await assert.rejects(clusters.query('small', all, {}, world, 2), /did not answer a build within 5 ms/);
    assert.equal(clusters.stats.workerStarts, 2, 'the retry started a new worker');
  });

  it('keeps at most maxSignatures sets, least recently used dropped', async () => {
    clusters = new MapClusters(index, { radius: 80, maxSignatures: 2 });
    await clusters.query('a', all, {}, world, 1);
    await clusters.query('b', (c) => c.departmentId === 1, {}, world, 1);
    await clusters.query('a', all, {}, world, 1); // a is now the most recent
    await clusters.query('c', (c) => c.departmentId === 3, {}, world, 1); // drops b
    assert.equal(clusters.stats.builds, 3);
    await clusters.query('a', all, {}, world, 1);
    assert.equal(clusters.stats.builds, 3, 'a was kept');
    await clusters.query('b', (c) => c.departmentId === 1, {}, world, 1);
    assert.equal(clusters.stats.builds, 4, 'b was dropped and is built again');
  });

  it('closing fails a query in flight at once instead of leaving it to its timeout', async () => {
    const big = new CameraIndex();
    big.load(randomCameras(200_000, 29));
    clusters = new MapClusters(big, { radius: 80 });
    const pending = clusters.query('everything', all, {}, world, 2);
    // let the gathering finish and the build reach the worker, then close under it
    await waitFor(() => clusters!.stats.workerStarts === 1, { what: 'the build to be sent to the worker' });
    await clusters.close();
    await assert.rejects(pending, /closed/);
  });

  it('rejects a bad viewport before any work, and fails once closed', async () => {
    clusters = new MapClusters(index, { radius: 80 });
    await assert.rejects(
      clusters.query('a', all, {}, world, 25),
      (e: unknown) => e instanceof GisInputError && e.path === 'zoom',
    );
    await assert.rejects(
      clusters.query('a', all, {}, [10, 5, 11, 4], 3),
      (e: unknown) => e instanceof GisInputError && /^bbox/.test(e.path),
    );
    assert.equal(clusters.stats.workerStarts, 0, 'no worker started for bad input');
    await clusters.close();
    await assert.rejects(clusters.query('a', all, {}, world, 3), /closed/);
  });
});
