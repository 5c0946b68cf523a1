// Integration: the gateway serves MBTiles files made in the test (real SQLite, real PNG/JPEG tiles): TMS rows flipped, 404s, no traversal, clear start errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { startGateway } from '../../gateway/main';
import { MbtilesFile } from '../../gateway/map/mbtiles-file';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/gateway';
import { flipRow, writeMbtiles } from '../helpers/mbtiles';
import { solidTile } from '../helpers/png';

const Z = 3;
const X = 5;
/** Two tiles of one column, at TMS rows 2 and 5 (= XYZ rows 5 and 2): a server that forgets the flip swaps them. */
const RED = solidTile([220, 30, 30]);
const BLUE = solidTile([30, 30, 220]);

/** A minimal Mapbox vector tile: one empty layer "roads" (version 2, extent 4096), as protobuf. */
const MVT = Buffer.from([0x1a, 0x0c, 0x78, 0x02, 0x0a, 0x05, ...Buffer.from('roads'), 0x28, 0x80, 0x20]);

function jpegTile(): Buffer {
  const args = [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=green:s=256x256',
    '-frames:v',
    '1',
    '-c:v',
    'mjpeg',
    '-f',
    'image2',
    'pipe:1',
  ];
  const r = spawnSync('ffmpeg', args, { maxBuffer: 1 << 20 });
  assert.equal(r.status, 0, `ffmpeg made a JPEG: ${String(r.stderr)}`);
  return r.stdout;
}

/** A raw GET whose path reaches the server byte for byte (fetch would resolve "../" first). */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('MBTiles base layers served by the gateway (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let pngFile: string;
  let tg: TestGateway;
  let pngHash: string;
  let pngMtime: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ce-mbtiles-'));
    pngFile = path.join(dir, 'city.mbtiles');
    writeMbtiles(
      pngFile,
      {
        name: 'city',
        format: 'png',
        minzoom: '2',
        maxzoom: '4',
        attribution: '<a href="javascript:alert(1)">Survey</a> office',
      },
      [
        { z: Z, x: X, row: 2, data: RED },
        { z: Z, x: X, row: 5, data: BLUE },
      ],
    );
    writeMbtiles(path.join(dir, 'photo.mbtiles'), { name: 'photo', format: 'jpg' }, [
      { z: 1, x: 0, row: 0, data: jpegTile() },
    ]);
    writeMbtiles(path.join(dir, 'roads.mbtiles'), { name: 'roads', format: 'pbf' }, [
      { z: 0, x: 0, row: 0, data: gzipSync(MVT) },
    ]);
    pngHash = sha(pngFile);
    pngMtime = statSync(pngFile).mtimeMs;
    tg = await startTestGateway({
      map: {
        baseLayers: [
          { type: 'mbtiles', id: 'city', name: '城市', nameEn: 'City', path: pngFile },
          {
            type: 'mbtiles',
            id: 'photo',
            name: '影像',
            path: path.join(dir, 'photo.mbtiles'),
            attribution: 'Own survey',
          },
          { type: 'mbtiles', id: 'roads', name: '道路', path: path.join(dir, 'roads.mbtiles') },
        ],
      },
    });
  });

  after(async () => {
    await tg?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the tile stored at TMS row 2^z-1-y for XYZ row y, as image/png, byte for byte', async () => {
    const bottom = await fetch(`${tg.base}/api/v1/map/tiles/city/${Z}/${X}/${flipRow(Z, 2)}`);
    assert.equal(bottom.status, 200);
    assert.equal(bottom.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await bottom.arrayBuffer()).equals(RED), `XYZ row ${flipRow(Z, 2)} is TMS row 2 (red)`);
    const top = await fetch(`${tg.base}/api/v1/map/tiles/city/${Z}/${X}/${flipRow(Z, 5)}`);
    assert.equal(top.status, 200);
    assert.ok(Buffer.from(await top.arrayBuffer()).equals(BLUE), `XYZ row ${flipRow(Z, 5)} is TMS row 5 (blue)`);
  });

  it('serves JPEG tiles as image/jpeg and vector tiles as gzip-encoded application/x-protobuf', async () => {
    const jpg = await fetch(`${tg.base}/api/v1/map/tiles/photo/1/0/1`);
    assert.equal(jpg.status, 200);
    assert.equal(jpg.headers.get('content-type'), 'image/jpeg');
    const bytes = Buffer.from(await jpg.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const res = await fetch(`${tg.base}/api/v1/map/tiles/roads/0/0/0`);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(MVT), 'the client unzips the stored vector tile');
  });

  it('answers 404 for tiles the file lacks, addresses outside the zoom level and unknown layers; 400 for malformed ones', async () => {
    const cases: Array<[string, number]> = [
      ['/api/v1/map/tiles/city/3/0/0', 404],
      ['/api/v1/map/tiles/city/3/8/0', 404],
      ['/api/v1/map/tiles/city/3/5/8', 404],
      ['/api/v1/map/tiles/city/9/5/5', 404],
      ['/api/v1/map/tiles/nowhere/3/5/5', 404],
      ['/api/v1/map/tiles/city/3/5/-1', 400],
      ['/api/v1/map/tiles/city/3/5/2.5', 400],
      ['/api/v1/map/tiles/city/31/0/0', 400],
      ['/api/v1/map/tiles/city/3/0x5/5', 400],
    ];
    for (const [url, status] of cases) {
      const r = await fetch(tg.base + url);
      assert.equal(r.status, status, url);
      if (status === 404) assert.match(String((await r.json()).detail ?? ''), /has no tile|no route/, url);
    }
  });

  it('refuses every traversal attempt: no file other than the configured ones is ever read', async () => {
    writeFileSync(path.join(dir, 'secret.mbtiles'), 'SECRET-CONTENT');
    const attempts = [
      '/api/v1/map/tiles/../../../../etc/passwd',
      '/api/v1/map/tiles/..%2F..%2F..%2F..%2Fetc%2Fpasswd/3/5/5',
      '/api/v1/map/tiles/%2e%2e/3/5/5',
      '/api/v1/map/tiles/city/3/5/5%2F..%2F..%2Fsecret.mbtiles',
      '/api/v1/map/tiles/..%2Fsecret/3/5/5',
      `/api/v1/map/tiles/${encodeURIComponent(path.join(dir, 'secret.mbtiles'))}/3/5/5`,
      '/api/v1/map/tiles/secret/3/5/5',
      '/api/v1/map/tiles/city/3/5/..%2F..%2F..%2Fetc%2Fpasswd',
      '/api/v1/map/tiles/city%00/3/5/5',
    ];
    for (const a of attempts) {
      const r = await rawGet(tg.gw.port, a);
      assert.ok(r.status === 400 || r.status === 404, `${a} → ${r.status}`);
      const text = r.body.toString('latin1');
      assert.ok(
        !text.includes('root:') && !text.includes('SECRET-CONTENT') && !text.includes('SQLite format'),
        `${a} leaked a file`,
      );
    }
  });

  it('tells the console the drawable layers (not the pbf one) with zooms from the file, plain-text attributions and no file paths', async () => {
    const r = await tg.api('GET', '/api/v1/client-config');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map.baseLayers, [
      {
        id: 'city',
        name: '城市',
        nameEn: 'City',
        kind: 'raster',
        urls: ['/api/v1/map/tiles/city/{z}/{x}/{y}'],
        subdomains: '',
        attribution: 'Survey office',
        minZoom: 2,
        maxZoom: 4,
        crs: 'wgs84',
      },
      {
        id: 'photo',
        name: '影像',
        nameEn: '影像',
        kind: 'raster',
        urls: ['/api/v1/map/tiles/photo/{z}/{x}/{y}'],
        subdomains: '',
        attribution: 'Own survey',
        minZoom: 1,
        maxZoom: 1,
        crs: 'wgs84',
      },
    ]);
    assert.ok(!r.text.includes(dir), "the files' paths stay on the server");
  });

  it('a file whose metadata names no format is served as its tiles show (older MBTiles)', () => {
    const file = path.join(dir, 'no-format.mbtiles');
    writeMbtiles(file, { name: 'old' }, [{ z: 1, x: 1, row: 1, data: jpegTile() }]);
    const m = MbtilesFile.open(file);
    try {
      assert.equal(m.format, 'jpg');
      assert.deepEqual([m.minZoom, m.maxZoom], [1, 1], 'zooms from the tiles when the metadata has none');
      assert.equal(m.tile(1, 1, 0)?.contentType, 'image/jpeg');
      assert.equal(m.tile(1, 1, 1), null, 'row 1 of zoom 1 in XYZ is TMS row 0: not stored');
    } finally {
      m.close();
    }
  });

  it('opens the file read-only: serving leaves it as it was', async () => {
    for (let i = 0; i < 5; i++) await (await fetch(`${tg.base}/api/v1/map/tiles/city/${Z}/${X}/2`)).arrayBuffer();
    assert.equal(sha(pngFile), pngHash);
    assert.equal(statSync(pngFile).mtimeMs, pngMtime);
  });

  describe('a map file that cannot be served stops the gateway at start with a message naming the key and the file', () => {
    const starts: Array<[string, (file: string) => void, RegExp]> = [
      ['missing', () => undefined, /cannot open/],
      ['not SQLite', (f) => writeFileSync(f, randomBytes(4096)), /not a readable MBTiles/],
      [
        'SQLite without tiles',
        (f) => {
          const db = new Database(f);
          db.exec('CREATE TABLE metadata (name TEXT, value TEXT)');
          db.close();
        },
        /has no tiles table/,
      ],
      [
        'an unknown tile format',
        (f) => writeMbtiles(f, { format: 'tiff' }, [{ z: 0, x: 0, row: 0, data: RED }]),
        /metadata format "tiff"/,
      ],
    ];
    for (const [name, make, message] of starts)
      it(name, async () => {
        const file = path.join(dir, `bad-${name.replace(/\W+/g, '-')}.mbtiles`);
        make(file);
        const layers = [
          { type: 'vector', id: 'city-vector', name: '城市', url: '/map/demo-city.geojson' },
          { type: 'mbtiles', id: 'bad', name: '坏', path: file },
        ];
        const config = testConfig({ map: { baseLayers: layers } });
        await assert.rejects(
          startGateway(config, { schema: `t_bad_${process.pid}`, log: () => undefined }),
          (err: Error) => {
            assert.equal(err.name, 'MbtilesError');
            assert.ok(err.message.includes('map.baseLayers.1.path') && err.message.includes(file), err.message);
            assert.match(err.message, message);
            return true;
          },
        );
      });
  });
});
