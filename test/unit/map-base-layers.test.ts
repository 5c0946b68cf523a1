// Base layers: config validation naming the key, env overrides, the console's tile URLs per type, the demo city map file, label placement.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig, type BaseLayerConfig } from '../../config/load';
import { clientLayer } from '../../gateway/map/client-layers';
import { withDemoMap } from '../../gateway/cli/demo-map';
import { DEMO_MAP_FILE, demoCityMap, demoCityMapText } from '../../sim/demo-city-map';
import { demoSites } from '../../sim/demo-city';
import { LabelPlacer, labelPointsAlong, rotatedBox, visibleRuns } from '../../web/src/map/label-placer';
import { distanceM } from '../../gis/geodesy';

const load = (baseLayers: unknown[]): BaseLayerConfig[] =>
  loadConfig({ env: {}, overrides: { map: { baseLayers } } }).map.baseLayers;

describe('map base layers', () => {
  describe('config', () => {
    const bad: Array<[string, unknown[], RegExp]> = [
      [
        'an unknown type',
        [{ type: 'osm', id: 'a', name: 'A' }],
        /map\.baseLayers\.0\.type = "osm": must be one of xyz, wmts, tianditu, gaode, mbtiles, vector/,
      ],
      ['no type', [{ id: 'a', name: 'A' }], /map\.baseLayers\.0\.type = undefined/],
      [
        'an xyz template without {y}',
        [{ type: 'xyz', id: 'a', name: 'A', url: 'http://h/{z}/{x}.png' }],
        /map\.baseLayers\.0\.url = "http:\/\/h\/\{z\}\/\{x\}\.png": must contain \{z\}, \{x\} and \{y\}/,
      ],
      [
        'a relative url',
        [{ type: 'vector', id: 'a', name: 'A', url: 'city.geojson' }],
        /map\.baseLayers\.0\.url = "city\.geojson": must be an http\(s\) URL or an absolute path/,
      ],
      ['an unknown key', [{ type: 'gaode', id: 'a', name: 'A', key: 'x' }], /unknown key map\.baseLayers\.0\.key/],
      ['tianditu without key', [{ type: 'tianditu', id: 't', name: 'T' }], /map\.baseLayers\.0\.key = undefined/],
      [
        'a tianditu key with a quote',
        [{ type: 'tianditu', id: 't', name: 'T', key: 'abc"def0123456789' }],
        /map\.baseLayers\.0\.key = .*Tianditu browser key/,
      ],
      ['mbtiles without path', [{ type: 'mbtiles', id: 'm', name: 'M' }], /map\.baseLayers\.0\.path = undefined/],
      [
        'a wmts url with a query',
        [{ type: 'wmts', id: 'w', name: 'W', url: 'http://h/wmts?x=1', layer: 'l', tileMatrixSet: 's' }],
        /map\.baseLayers\.0\.url = .*without a query string/,
      ],
      [
        'a wmts format that is no image',
        [
          {
            type: 'wmts',
            id: 'w',
            name: 'W',
            url: 'http://h/wmts',
            layer: 'l',
            tileMatrixSet: 's',
            format: 'text/html',
          },
        ],
        /map\.baseLayers\.0\.format = "text\/html"/,
      ],
      [
        'an id with capitals',
        [{ type: 'gaode', id: 'Gaode', name: 'G' }],
        /map\.baseLayers\.0\.id = "Gaode": must be 1-40 characters/,
      ],
      [
        'a repeated id',
        [
          { type: 'gaode', id: 'g', name: 'G' },
          { type: 'gaode', id: 'g', name: 'H' },
        ],
        /map\.baseLayers\.1\.id = "g": is used by an earlier base layer/,
      ],
      [
        'minZoom above maxZoom',
        [{ type: 'gaode', id: 'g', name: 'G', minZoom: 15, maxZoom: 10 }],
        /map\.baseLayers\.0\.minZoom = 15: must not exceed maxZoom \(10\)/,
      ],
      ['a zoom past 22', [{ type: 'gaode', id: 'g', name: 'G', maxZoom: 25 }], /map\.baseLayers\.0\.maxZoom = 25/],
    ];
    for (const [name, layers, message] of bad)
      it(`refuses ${name}, naming the key`, () => assert.throws(() => load(layers), message));

    it('fills the documented defaults', () => {
      assert.deepEqual(load([{ type: 'xyz', id: 'x', name: '街道', url: '/t/{z}/{x}/{y}.png' }]), [
        {
          type: 'xyz',
          id: 'x',
          name: '街道',
          nameEn: '',
          attribution: '',
          minZoom: 0,
          maxZoom: 18,
          url: '/t/{z}/{x}/{y}.png',
          subdomains: '',
          crs: 'wgs84',
        },
      ]);
      assert.deepEqual(loadConfig({ env: {} }).map.baseLayers, [], 'the shipped file configures none');
    });

    it('takes a whole list from CLOUDEYE_MAP__BASE_LAYERS (YAML), keys checked as in a file', () => {
      const env = {
        CLOUDEYE_MAP__BASE_LAYERS:
          '[{type: mbtiles, id: city, name: 城市, path: /srv/maps/city.mbtiles}, {type: gaode, id: gd, name: 高德}]',
      };
      const layers = loadConfig({ env }).map.baseLayers;
      assert.deepEqual(
        layers.map((l) => [l.type, l.id]),
        [
          ['mbtiles', 'city'],
          ['gaode', 'gd'],
        ],
      );
      assert.throws(
        () => loadConfig({ env: { CLOUDEYE_MAP__BASE_LAYERS: '[{type: mbtiles, id: city, name: 城市}]' } }),
        /map\.baseLayers\.0\.path/,
      );
    });
  });

  describe('what the console is told to draw', () => {
    it('xyz: the template and subdomains as configured', () => {
      const url = 'https://{s}.tiles.local/{z}/{x}/{y}.png';
      const [cfg] = load([
        { type: 'xyz', id: 'osm', name: '街道', nameEn: 'Streets', url, subdomains: 'abc', crs: 'gcj02', maxZoom: 17 },
      ]);
      assert.deepEqual(clientLayer(cfg!), {
        id: 'osm',
        name: '街道',
        nameEn: 'Streets',
        kind: 'raster',
        urls: [url],
        subdomains: 'abc',
        attribution: '',
        minZoom: 0,
        maxZoom: 17,
        crs: 'gcj02',
      });
    });

    it('wmts: a KVP GetTile request with the zoom as tile matrix (after the prefix), row and column', () => {
      const url = 'http://10.0.0.5:8080/geoserver/gwc/service/wmts';
      const [cfg] = load([
        {
          type: 'wmts',
          id: 'pgis',
          name: 'PGIS',
          url,
          layer: 'city:roads',
          tileMatrixSet: 'EPSG:3857',
          tileMatrixPrefix: 'EPSG:3857:',
          format: 'image/jpeg',
        },
      ]);
      const c = clientLayer(cfg!)!;
      assert.deepEqual(c.urls, [
        `${url}?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=city%3Aroads&STYLE=default&TILEMATRIXSET=EPSG%3A3857` +
          '&FORMAT=image%2Fjpeg&TILEMATRIX=EPSG%3A3857%3A{z}&TILEROW={y}&TILECOL={x}',
      ]);
      assert.equal(c.nameEn, 'PGIS', 'no English name: the zh-CN one');
    });

    it('tianditu: the chosen map and its name layer, the key on each, WGS-84 (CGCS2000)', () => {
      const key = '0123456789abcdef0123456789abcdef';
      const [img] = load([{ type: 'tianditu', id: 'tdt', name: '天地图影像', key, style: 'img' }]);
      const c = clientLayer(img!)!;
      assert.equal(c.crs, 'wgs84');
      assert.equal(c.subdomains, '01234567');
      assert.equal(c.urls.length, 2);
      assert.match(c.urls[0]!, /^https:\/\/t\{s\}\.tianditu\.gov\.cn\/img_w\/wmts\?.*LAYER=img&.*TILEMATRIXSET=w&/);
      assert.ok(c.urls[0]!.endsWith(`&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${key}`), c.urls[0]);
      assert.match(c.urls[1]!, /\/cia_w\/wmts\?.*LAYER=cia&/);
      const [bare] = load([{ type: 'tianditu', id: 'tdt', name: '天地图', key, labels: false }]);
      assert.deepEqual(
        clientLayer(bare!)!.urls.map((u) => u.split('?')[0]),
        ['https://t{s}.tianditu.gov.cn/vec_w/wmts'],
      );
    });

    it('gaode: GCJ-02 always, vector or satellite with names on top', () => {
      const [vec, sat] = load([
        { type: 'gaode', id: 'gd', name: '高德' },
        { type: 'gaode', id: 'gds', name: '高德影像', style: 'satellite' },
      ]);
      const v = clientLayer(vec!)!,
        s = clientLayer(sat!)!;
      assert.equal(v.crs, 'gcj02');
      assert.equal(s.crs, 'gcj02');
      assert.equal(v.urls.length, 1);
      assert.match(v.urls[0]!, /webrd0\{s\}\.is\.autonavi\.com\/appmaptile\?.*style=8&x=\{x\}&y=\{y\}&z=\{z\}/);
      assert.deepEqual(
        s.urls.map((u) => /style=(\d)/.exec(u)?.[1]),
        ['6', '8'],
      );
    });

    it('mbtiles: the gateway tile route, zooms and attribution from the file; pbf files are not drawn', () => {
      const [m] = load([{ type: 'mbtiles', id: 'city', name: '城市', path: '/srv/city.mbtiles' }]);
      const info = { format: 'png' as const, minZoom: 10, maxZoom: 16, attribution: 'Survey' };
      assert.deepEqual(clientLayer(m!, info), {
        id: 'city',
        name: '城市',
        nameEn: '城市',
        kind: 'raster',
        urls: ['/api/v1/map/tiles/city/{z}/{x}/{y}'],
        subdomains: '',
        attribution: 'Survey',
        minZoom: 10,
        maxZoom: 16,
        crs: 'wgs84',
      });
      assert.equal(clientLayer(m!, { ...info, format: 'pbf' }), null);
    });

    it('the demo adds the demo city map only when no base layer is configured', () => {
      const none = loadConfig({ env: {} });
      assert.deepEqual(
        withDemoMap(none).map.baseLayers.map((l) => [l.type, l.id]),
        [['vector', 'demo-city']],
      );
      const some = loadConfig({
        env: {},
        overrides: { map: { baseLayers: [{ type: 'gaode', id: 'gd', name: '高德' }] } },
      });
      assert.equal(withDemoMap(some), some);
    });
  });

  describe('the demo city map', () => {
    it('the shipped GeoJSON is what sim/demo-city-map.ts makes (REGEN=1 writes it)', () => {
      if (process.env.REGEN === '1') writeFileSync(DEMO_MAP_FILE, demoCityMapText());
      assert.equal(readFileSync(DEMO_MAP_FILE, 'utf8'), demoCityMapText());
      JSON.parse(readFileSync(DEMO_MAP_FILE, 'utf8'));
    });

    it('has named roads of each class, districts, water, parks and landmarks, in zh-CN and en', () => {
      const props = demoCityMap().features.map((f) => f.properties as Record<string, string>);
      const count = (kind: string, cls?: string): number =>
        props.filter((p) => p.kind === kind && (!cls || p.class === cls)).length;
      for (const [kind, cls] of [
        ['road', 'primary'],
        ['road', 'secondary'],
        ['road', 'minor'],
        ['district'],
        ['water'],
        ['park'],
        ['landmark'],
      ] as const) {
        assert.ok(count(kind, cls) >= 2, `${kind} ${cls ?? ''}`);
      }
      for (const p of props) {
        assert.match(p.name ?? '', /\p{Script=Han}/u, `zh-CN name of ${JSON.stringify(p)}`);
        assert.match(p.nameEn ?? '', /^[A-Za-z][\w .'()-]+$/, `en name of ${p.name}`);
      }
    });

    it('every demo camera stands by a drawn road (within 30 m)', () => {
      const roads = demoCityMap()
        .features.filter((f) => (f.properties as { kind: string }).kind === 'road')
        .map((f) => (f.geometry as unknown as { coordinates: Array<[number, number]> }).coordinates);
      const nearRoad = (lng: number, lat: number): number => {
        let best = Infinity;
        for (const line of roads)
          for (let i = 1; i < line.length; i++) {
            const [a, b] = [line[i - 1]!, line[i]!];
            for (let k = 0; k <= 200; k++)
              best = Math.min(
                best,
                distanceM(lng, lat, a[0] + ((b[0] - a[0]) * k) / 200, a[1] + ((b[1] - a[1]) * k) / 200),
              );
          }
        return best;
      };
      for (const s of demoSites(240))
        assert.ok(nearRoad(s.lng, s.lat) < 30, `${s.name} is ${nearRoad(s.lng, s.lat).toFixed(0)} m from a road`);
    });
  });

  describe('label placement', () => {
    it('keeps labels inside the view and apart', () => {
      const p = new LabelPlacer(200, 100, 3);
      assert.equal(p.place({ x0: 10, y0: 10, x1: 60, y1: 26 }), true);
      assert.equal(p.place({ x0: 50, y0: 20, x1: 90, y1: 36 }), false, 'overlapping');
      assert.equal(p.place({ x0: 62, y0: 10, x1: 90, y1: 26 }), false, 'within the gap');
      assert.equal(p.place({ x0: 64, y0: 10, x1: 90, y1: 26 }), true);
      assert.equal(p.place({ x0: 180, y0: 50, x1: 210, y1: 66 }), false, 'cut off at the right edge');
      assert.equal(p.place({ x0: 100, y0: -2, x1: 130, y1: 14 }), false, 'cut off at the top');
    });

    it('a rotated label takes its rotated bounds', () => {
      const b = rotatedBox(100, 100, 60, 16, Math.PI / 2);
      assert.deepEqual(
        [b.x0, b.y0, b.x1, b.y1].map((v) => Math.round(v)),
        [92, 70, 108, 130],
      );
    });

    it('names sit on straight stretches, read left to right, spaced along the line', () => {
      const pts = labelPointsAlong(
        [
          { x: 1000, y: 0 },
          { x: 0, y: 0 },
        ],
        50,
        360,
      );
      assert.deepEqual(
        pts.map((p) => [Math.round(p.x), Math.round(p.y)]),
        [
          [820, 0],
          [460, 0],
          [100, 0],
        ],
      );
      assert.ok(
        pts.every((p) => Math.abs(p.angle) < 1e-9),
        'a road drawn right to left still reads left to right',
      );
      assert.deepEqual(
        labelPointsAlong(
          [
            { x: 0, y: 0 },
            { x: 30, y: 0 },
          ],
          50,
          360,
        ),
        [],
        'too short for the name',
      );
    });

    it('spreads names over the visible part of a road only', () => {
      const runs = visibleRuns(
        [
          { x: -500, y: 50 },
          { x: 300, y: 50 },
          { x: 300, y: 500 },
        ],
        200,
        100,
      );
      assert.deepEqual(
        runs.map((r) => r.map((p) => [Math.round(p.x), Math.round(p.y)])),
        [
          [
            [0, 50],
            [200, 50],
          ],
        ],
      );
    });
  });
});
