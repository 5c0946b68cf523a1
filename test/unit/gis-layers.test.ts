// PolygonLayer (grids, key places) and ClusterCache (map clusters per visibility signature).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CameraIndex } from '../../gis/camera-index';
import { ClusterCache, type ClusterFeature } from '../../gis/clusters';
import { GisInputError } from '../../gis/errors';
import { PolygonLayer } from '../../gis/polygon-layer';
import type { GisCamera } from '../../gis/types';
import { randomCameras } from '../helpers/gis-random';

const grids: unknown = JSON.parse(readFileSync(new URL('../fixtures/gis/grids.geojson', import.meta.url), 'utf8'));
const cam = (id: number, lng: number, lat: number, status = 'online', departmentId = 1): GisCamera => ({ id, lng, lat, status, departmentId, tags: [] });

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
    it(`locate: ${name}`, () => assert.deepEqual(layer.locate(lng, lat).map((p) => p.id), want));

  it('locate by kind, and place attributes', () => {
    assert.deepEqual(layer.locate(111.695, 29.025, 'grid').map((p) => p.name), ['武陵区网格']);
    assert.equal(layer.get(17)?.kind, 'key-place');
    assert.equal(layer.size, 4);
  });
  it('camerasIn uses the polygon and the predicate', () => {
    const index = new CameraIndex();
    index.load([cam(1, 111.695, 29.025), cam(2, 111.695, 29.025, 'online', 2), cam(3, 111.71, 29.05), cam(4, 111.9, 29.9)]);
    assert.deepEqual(layer.camerasIn(17, index).map((h) => h.camera.id), [1, 2]);
    assert.deepEqual(layer.camerasIn('grid-wuling', index, { predicate: (c) => c.departmentId === 1 }).map((h) => h.camera.id), [1, 3]);
    assert.throws(() => layer.camerasIn('nope', index), (e: unknown) => e instanceof GisInputError && e.path === 'polygonId');
  });
  const bad: Array<[string, unknown, string]> = [
    ['not a collection', { type: 'Feature' }, 'features'],
    ['feature without id', { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] }, 'features[0].id'],
    ['unclosed ring', { type: 'FeatureCollection', features: [{ type: 'Feature', id: 1, properties: {}, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }] }, 'features[0].geometry.coordinates[0]'],
  ];
  for (const [name, input, path] of bad)
    it(`load rejects ${name} at "${path}"`, () => {
      assert.throws(() => new PolygonLayer().load(input), (e: unknown) => e instanceof GisInputError && e.path === path);
    });
});

describe('gis ClusterCache', () => {
  const cams = randomCameras(5000, 3);
  const index = new CameraIndex();
  index.load(cams);
  const own = (c: GisCamera): boolean => c.departmentId === 1 || c.departmentId === 2;
  const visibleCount = cams.filter(own).length;
  const world: [number, number, number, number] = [-180, -85, 180, 85];
  const total = (fs: ClusterFeature[]): number => fs.reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0);

  it('counts add up to the visible set at every zoom, with per-status counts', () => {
    const cache = new ClusterCache(index);
    cache.prepare('dept-1-2', own);
    for (const z of [0, 5, 10, 13, 16, 18]) {
      const { features, stale } = cache.query('dept-1-2', own, world, z);
      assert.equal(stale, false);
      assert.equal(total(features), visibleCount, `zoom ${z}`);
      for (const f of features)
        if (f.properties.cluster) assert.equal(Object.values(f.properties.statusCounts).reduce((a, b) => a + b, 0), f.properties.count);
    }
  });
  it('single cameras carry id, status and bearing; only visible ones appear', () => {
    const cache = new ClusterCache(index);
    const { features } = cache.query('dept-1-2', own, world, 20);
    assert.equal(features.length, total(features));
    const visibleIds = new Set(cams.filter(own).map((c) => c.id));
    for (const f of features) {
      assert.equal(f.properties.cluster, false);
      if (!f.properties.cluster) {
        assert.ok(visibleIds.has(f.properties.id));
        assert.ok('bearing' in f.properties && 'status' in f.properties);
      }
    }
  });
  it('signatures are cached separately and invalidated when the index version changes', () => {
    const cache = new ClusterCache(index);
    cache.prepare('a', own);
    cache.prepare('b', () => true);
    assert.equal(total(cache.query('b', () => true, world, 3).features), cams.length);
    assert.ok(cache.isWarm('a'));
    index.upsert(cam(999999, 111.69, 29.03, 'online', 1));
    assert.equal(cache.isWarm('a'), false);
    const stale = cache.query('a', own, world, 3, { allowStale: true });
    assert.equal(stale.stale, true);
    assert.equal(total(stale.features), visibleCount);
    const fresh = cache.query('a', own, world, 3);
    assert.equal(fresh.stale, false);
    assert.equal(total(fresh.features), visibleCount + 1);
    index.remove(999999);
  });
  it('expansion zoom of a cluster is above the zoom it was seen at', () => {
    const cache = new ClusterCache(index);
    const { features } = cache.query('all', () => true, world, 8);
    const c = features.find((f) => f.properties.cluster);
    assert.ok(c && c.properties.cluster);
    if (c && c.properties.cluster) assert.ok(cache.expansionZoom('all', c.properties.clusterId) > 8);
  });
  it('rejects a bad zoom with GisInputError', () => {
    assert.throws(() => new ClusterCache(index).query('x', () => true, world, 99), (e: unknown) => e instanceof GisInputError && e.path === 'zoom');
  });
});
