// WGS-84 / GCJ-02 / BD-09 conversions against published reference values, round trips, and the mainland outline.
import assert from 'node:assert/strict';
import { CHINA_OUTLINE_VERTICES, isInMainlandChina } from '../../gis/china-boundary';
import { bd09ToGcj02, bd09ToWgs84, convert, gcj02ToBd09, gcj02ToWgs84, wgs84ToBd09, wgs84ToGcj02 } from '../../gis/crs';
import { GisInputError } from '../../gis/errors';
import { distanceM } from '../../gis/geodesy';
import { prng } from '../helpers/gis-random';

const metres = (a: [number, number], b: [number, number]): number => distanceM(a[0], a[1], b[0], b[1]);

describe('gis mainland China outline', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['Beijing (Tiananmen)', 116.3974, 39.9087, true],
    ['Kashgar', 75.99, 39.47, true],
    ['Harbin', 126.63, 45.75, true],
    ['Sanya (Hainan)', 109.51, 18.25, true],
    ['Lhasa', 91.11, 29.65, true],
    ['Changde', 111.69, 29.03, true],
    ['Urumqi', 87.62, 43.83, true],
    ['Shanghai', 121.47, 31.23, true],
    ['Shenzhen Futian (next to Hong Kong)', 114.06, 22.54, true],
    ['Zhuhai Gongbei (next to Macau)', 113.546, 22.224, true],
    ['Zhoushan islands', 122.2, 30.0, true],
    ['Mohe (north tip)', 122.53, 52.97, true],
    ['Tashkurgan', 75.23, 37.77, true],
    ['Seoul', 126.98, 37.57, false],
    ['Pyongyang', 125.75, 39.03, false],
    ['Ulaanbaatar', 106.91, 47.92, false],
    ['Hanoi', 105.85, 21.03, false],
    ['Taipei (Taiwan is not shifted: documented decision)', 121.56, 25.04, false],
    ['Kaohsiung', 120.3, 22.62, false],
    ['Hong Kong Central', 114.158, 22.282, false],
    ['Kowloon', 114.17, 22.32, false],
    ['Hong Kong airport', 113.92, 22.31, false],
    ['Sha Tin', 114.19, 22.38, false],
    ['Macau peninsula (Senado Square)', 113.5397, 22.1935, false],
    ['Macau Taipa', 113.557, 22.158, false],
    ['Vladivostok', 131.9, 43.12, false],
    ['Almaty', 76.9, 43.25, false],
    ['Kathmandu', 85.32, 27.7, false],
    ['Blagoveshchensk (across the Amur)', 127.53, 50.28, false],
    ['Tokyo', 139.7, 35.7, false],
  ];
  for (const [name, lng, lat, inside] of cases)
    it(`${name} is ${inside ? 'inside' : 'outside'}`, () => assert.equal(isInMainlandChina(lng, lat), inside));

  it('is a real outline, not a box (60-300 vertices)', () => {
    assert.ok(CHINA_OUTLINE_VERTICES >= 60 && CHINA_OUTLINE_VERTICES <= 300, `${CHINA_OUTLINE_VERTICES}`);
  });
});

describe('gis CRS conversion', () => {
  // Published by wandergis/coordtransform (test/app.js) for the input (116.404, 39.915).
  it('WGS-84 → GCJ-02 matches the published value to 1e-9°', () => {
    const [x, y] = wgs84ToGcj02(116.404, 39.915);
    assert.ok(Math.abs(x - 116.41024449916938) < 1e-9 && Math.abs(y - 39.91640428150164) < 1e-9, `${x},${y}`);
  });
  it('GCJ-02 → BD-09 matches the published value to 1e-9°', () => {
    const [x, y] = gcj02ToBd09(116.404, 39.915);
    assert.ok(Math.abs(x - 116.41036949371029) < 1e-9 && Math.abs(y - 39.92133699351021) < 1e-9, `${x},${y}`);
  });
  it('BD-09 → GCJ-02 is within 0.1 m of the published closed form, and exact on the way back', () => {
    const g = bd09ToGcj02(116.404, 39.915);
    assert.ok(metres(g, [116.39762729119315, 39.90865673957631]) < 0.1);
    assert.ok(metres(gcj02ToBd09(g[0], g[1]), [116.404, 39.915]) < 0.001);
  });
  it('GCJ-02 → WGS-84 is within 2 m of the published one-step approximation, and exact on the way back', () => {
    const w = gcj02ToWgs84(116.404, 39.915);
    assert.ok(metres(w, [116.39775550083061, 39.91359571849836]) < 2);
    assert.ok(metres(wgs84ToGcj02(w[0], w[1]), [116.404, 39.915]) < 0.001);
  });
  it('the GCJ-02 shift at Tiananmen is a few hundred metres (sanity)', () => {
    const d = metres(wgs84ToGcj02(116.3974, 39.9087), [116.3974, 39.9087]);
    assert.ok(d > 300 && d < 800, `${d}`);
  });

  it('round trips across mainland China stay under 0.01 m (GCJ) and 0.01 m (BD), 2,000 random points', () => {
    const r = prng(99);
    let checked = 0;
    while (checked < 2000) {
      const p: [number, number] = [75 + r() * 58, 19 + r() * 33];
      if (!isInMainlandChina(p[0], p[1])) continue;
      const g = wgs84ToGcj02(p[0], p[1]);
      assert.ok(metres(gcj02ToWgs84(g[0], g[1]), p) < 0.01, `gcj ${p}`);
      const b = wgs84ToBd09(p[0], p[1]);
      assert.ok(metres(bd09ToWgs84(b[0], b[1]), p) < 0.01, `bd ${p}`);
      assert.ok(metres(gcj02ToBd09(g[0], g[1]), b) < 1e-6, `bd via gcj ${p}`);
      checked++;
    }
  });

  const outside: Array<[string, number, number]> = [
    ['Seoul', 126.98, 37.57],
    ['Hong Kong', 114.158, 22.282],
    ['Taipei', 121.56, 25.04],
    ['Paris', 2.35, 48.85],
  ];
  for (const [name, lng, lat] of outside)
    it(`a point in ${name} does not move in any direction`, () => {
      for (const fn of [wgs84ToGcj02, gcj02ToWgs84, gcj02ToBd09, bd09ToGcj02, wgs84ToBd09, bd09ToWgs84])
        assert.deepEqual(fn(lng, lat), [lng, lat], fn.name);
    });

  it('force applies the offset outside the outline (Taipei)', () => {
    assert.ok(metres(wgs84ToGcj02(121.56, 25.04, { force: true }), [121.56, 25.04]) > 100);
  });

  it('convert() dispatches every pair and is the identity for from === to', () => {
    assert.deepEqual(convert(116.404, 39.915, 'wgs84', 'gcj02'), wgs84ToGcj02(116.404, 39.915));
    assert.deepEqual(convert(116.404, 39.915, 'bd09', 'wgs84'), bd09ToWgs84(116.404, 39.915));
    assert.deepEqual(convert(116.404, 39.915, 'gcj02', 'gcj02'), [116.404, 39.915]);
  });

  const bad: Array<[string, number, number, string]> = [
    ['NaN longitude', Number.NaN, 30, 'lng'],
    ['latitude 91', 116, 91, 'lat'],
    ['longitude -181', -181, 30, 'lng'],
  ];
  for (const [name, lng, lat, path] of bad)
    it(`rejects ${name} with GisInputError at "${path}"`, () => {
      assert.throws(
        () => wgs84ToGcj02(lng, lat),
        (e: unknown) => e instanceof GisInputError && e.path === path,
      );
    });
});
