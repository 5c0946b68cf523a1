// PolygonLayer (grids, key places) and map clusters (PointCollector gathers a visible set, ClusterSet clusters it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Supercluster from 'supercluster';
import { CameraIndex } from '../../gis/camera-index';
import { ClusterSet, PointCollector, type ClusterMarker, type Marker, type PointMarker } from '../../gis/clusters';
import { GisInputError } from '../../gis/errors';
import { PolygonLayer } from '../../gis/polygon-layer';
import type { GisCamera } from '../../gis/types';
import { randomCameras } from '../helpers/gis-random';
import { prng } from '../../bench/gis-data';

const grids: unknown = JSON.parse(readFileSync(new URL('../fixtures/gis/grids.geojson', import.meta.url), 'utf8'));
const cam = (id: number, lng: number, lat: number, status = 'online', departmentId = 1): GisCamera => ({
  id,
  lng,
  lat,
  status,
  departmentId,
  tags: [],
});

describe('gis PolygonLayer', () => {
  const layer = new PolygonLayer();
  layer.load(grids);

  const cases: Array<[string, number, number, Array<string | number>]> = [
    ['station inside a grid: key place first (smaller)', 111.695, 29.025, [17, 'grid-wuling']],
    ['on the shared edge of two grids: both', 111.68, 29.0, ['grid-dingcheng', 'grid-wuling']],
    ['riverside first part', 111.67, 29.04, ['riverside', 'grid-wuling']],
    ['inside the hole of riverside second part', 111.76, 29.01, []],
    ['riverside second part outside the hole', 111.751, 29.001, ['riverside']],
    ['nowhere', 112.5, 30.5, []],
  ];
  for (const [name, lng, lat, want] of cases)
    it(`locate: ${name}`, () =>
      assert.deepEqual(
        layer.locate(lng, lat).map((p) => p.id),
        want,
      ));

  it('locate by kind, and place attributes', () => {
    assert.deepEqual(
      layer.locate(111.695, 29.025, 'grid').map((p) => p.name),
      ['武陵区网格'],
    );
    assert.equal(layer.get(17)?.kind, 'key-place');
    assert.equal(layer.size, 4);
  });
  it('smallestContaining is the first of locate, for any point and kind', () => {
    const r = prng(5);
    let found = 0;
    for (let i = 0; i < 5000; i++) {
      // around the fixture's polygons, with points exactly on their vertices and edges among them
      const lng = i % 10 === 0 ? 111.68 : 111.6 + r() * 0.2,
        lat = i % 10 === 0 ? 29.0 + r() * 0.05 : 28.93 + r() * 0.14;
      for (const kind of [undefined, 'grid', 'key-place', 'nothing']) {
        const want = layer.locate(lng, lat, kind)[0]?.id;
        assert.equal(layer.smallestContaining(lng, lat, kind), want, `${lng},${lat} ${kind}`);
        if (want !== undefined) found++;
      }
    }
    assert.ok(found > 4000, `points inside polygons: ${found}`);
    assert.equal(new PolygonLayer().smallestContaining(111.7, 29), undefined);
    assert.throws(
      () => layer.smallestContaining(200, 29),
      (e: unknown) => e instanceof GisInputError,
    );
  });

  it('index records carry the grid id given (null when none), for result lists', () => {
    const index = new CameraIndex();
    index.load([{ ...cam(1, 111.695, 29.025), gridId: 7 }, cam(2, 111.71, 29.05)]);
    assert.equal(index.get(1)?.gridId, 7);
    assert.equal(index.get(2)?.gridId, null);
    index.upsert({ ...cam(2, 111.71, 29.05), gridId: 'grid-wuling' });
    assert.equal(index.nearest(111.71, 29.05, { n: 1 })[0]?.camera.gridId, 'grid-wuling');
  });

  it('camerasIn uses the polygon and the predicate', () => {
    const index = new CameraIndex();
    index.load([
      cam(1, 111.695, 29.025),
      cam(2, 111.695, 29.025, 'online', 2),
      cam(3, 111.71, 29.05),
      cam(4, 111.9, 29.9),
    ]);
    assert.deepEqual(
      layer.camerasIn(17, index).map((h) => h.camera.id),
      [1, 2],
    );
    assert.deepEqual(
      layer.camerasIn('grid-wuling', index, { predicate: (c) => c.departmentId === 1 }).map((h) => h.camera.id),
      [1, 3],
    );
    assert.throws(
      () => layer.camerasIn('nope', index),
      (e: unknown) => e instanceof GisInputError && e.path === 'polygonId',
    );
  });
  const bad: Array<[string, unknown, string]> = [
    ['not a collection', { type: 'Feature' }, 'features'],
    [
      'feature without id',
      { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] },
      'features[0].id',
    ],
    [
      'unclosed ring',
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 1,
            properties: {},
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 1],
                ],
              ],
            },
          },
        ],
      },
      'features[0].geometry.coordinates[0]',
    ],
  ];
  for (const [name, input, path] of bad)
    it(`load rejects ${name} at "${path}"`, () => {
      assert.throws(
        () => new PolygonLayer().load(input),
        (e: unknown) => e instanceof GisInputError && e.path === path,
      );
    });
});

describe('gis map clusters (PointCollector + ClusterSet)', () => {
  const cams = randomCameras(5000, 3);
  const index = new CameraIndex();
  index.load(cams);
  const own = (c: GisCamera): boolean => c.departmentId === 1 || c.departmentId === 2;
  const visibleCount = cams.filter(own).length;
  const world: [number, number, number, number] = [-180, -85, 180, 85];
  const total = (ms: Marker[]): number => ms.reduce((n, m) => n + (m.cluster ? m.count : 1), 0);
  const build = (
    predicate: (c: GisCamera) => boolean,
    filters = {},
  ): { set: ClusterSet; ids: Array<GisCamera['id']> } => {
    const { points, ids } = new PointCollector(index, predicate, filters).finish().result();
    return { set: new ClusterSet(points, { radius: 80 }), ids };
  };

  it('counts add up to the visible set at every zoom, with per-status counts', () => {
    const { set } = build(own);
    assert.equal(set.size, visibleCount);
    for (const z of [0, 5, 10, 13, 16, 18]) {
      const markers = set.query(world, z);
      assert.equal(total(markers), visibleCount, `zoom ${z}`);
      for (const m of markers)
        if (m.cluster)
          assert.equal(
            Object.values(m.statusCounts).reduce((a, b) => a + b, 0),
            m.count,
          );
    }
    // and the per-status counts add up to the visible set's statuses
    const byStatus: Record<string, number> = {};
    for (const m of set.query(world, 0)) {
      if (m.cluster) for (const [k, v] of Object.entries(m.statusCounts)) byStatus[k] = (byStatus[k] ?? 0) + v;
    }
    const want: Record<string, number> = {};
    for (const c of cams.filter(own)) want[c.status] = (want[c.status] ?? 0) + 1;
    assert.deepEqual(byStatus, want);
  });
  it('single cameras map back to exactly the visible cameras, at their positions', () => {
    const { set, ids } = build(own);
    const markers = set.query(world, 20);
    assert.equal(markers.length, total(markers));
    const seen = markers.map((m) => {
      assert.equal(m.cluster, false);
      const id = ids[(m as PointMarker).point] as GisCamera['id'];
      const c = index.get(id) as GisCamera;
      assert.ok(own(c));
      assert.ok(Math.abs(c.lng - m.lng) < 1e-9 && Math.abs(c.lat - m.lat) < 1e-9);
      return id;
    });
    assert.deepEqual(new Set(seen), new Set(cams.filter(own).map((c) => c.id)));
  });
  it('filters (status, department, tags) narrow the set like the queries do', () => {
    const { set } = build(() => true, { status: ['offline'], departmentIds: [1, 3], tagsAny: ['school'] });
    assert.ok(set.size > 0);
    assert.equal(
      set.size,
      cams.filter(
        (c) => c.status === 'offline' && [1, 3].includes(c.departmentId as number) && c.tags.includes('school'),
      ).length,
    );
  });
  it('the collector walks in slices, starts over when a compaction renumbers the slots, and reports the version it began at', () => {
    const big = new CameraIndex({ maxDelta: 10 });
    const many = randomCameras(150_000, 5);
    big.load(many);
    for (let i = 0; i < 50; i++) big.upsert({ ...(many[i] as GisCamera), lng: (many[i] as GisCamera).lng + 0.01 });
    const v = big.version;
    const collector = new PointCollector(big);
    assert.equal(collector.step(), false, '150,000 slots take more than one step');
    big.compact(); // renumbers every slot under the walk
    collector.finish();
    const { ids } = collector.result();
    assert.equal(collector.version, v);
    assert.equal(ids.length, many.length, 'every camera once, none twice');
    assert.equal(new Set(ids).size, many.length);
  });
  it('expansion zoom of a cluster is above the zoom it was seen at', () => {
    const { set } = build(() => true);
    const c = set.query(world, 8).find((m): m is ClusterMarker => m.cluster);
    assert.ok(c);
    assert.ok(c.expansionZoom > 8);
    assert.ok(
      set.query([c.lng - 0.5, c.lat - 0.5, c.lng + 0.5, c.lat + 0.5], c.expansionZoom).length > 1,
      'it breaks apart at its expansion zoom',
    );
  });
  it("expansion zooms equal supercluster's own getClusterExpansionZoom walk, for every cluster at every zoom", () => {
    const { points } = new PointCollector(index).finish().result();
    const set = new ClusterSet(points, { radius: 80, maxZoom: 17 });
    const oracle = new Supercluster({ radius: 80, maxZoom: 17 });
    oracle.load(
      Array.from(points.lngs, (lng, i) => ({
        type: 'Feature' as const,
        properties: {},
        geometry: { type: 'Point' as const, coordinates: [lng, points.lats[i] as number] },
      })),
    );
    let checked = 0;
    for (let z = 0; z <= 18; z++) {
      for (const m of set.query(world, z)) {
        if (!m.cluster) continue;
        assert.equal(
          m.expansionZoom,
          oracle.getClusterExpansionZoom(m.clusterId),
          `cluster ${m.clusterId} at zoom ${z}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} clusters checked`);
  });
  it('rejects a bad zoom or bbox with GisInputError', () => {
    const { set } = build(own);
    assert.throws(
      () => set.query(world, 99),
      (e: unknown) => e instanceof GisInputError && e.path === 'zoom',
    );
    assert.throws(
      () => set.query(world, Number.NaN),
      (e: unknown) => e instanceof GisInputError && e.path === 'zoom',
    );
    assert.throws(
      () => set.query([0, 10, 1, 5], 3),
      (e: unknown) => e instanceof GisInputError && /^bbox/.test(e.path),
    );
    assert.throws(
      () =>
        new ClusterSet({
          lngs: new Float64Array(2),
          lats: new Float64Array(1),
          status: new Uint8Array(2),
          statuses: ['online'],
        }),
      (e: unknown) => e instanceof GisInputError && e.path === 'points',
    );
  });
});
