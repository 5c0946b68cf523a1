// Polygon validity against PostGIS: for polygons whose holes touch, cross, share edges with and nest
// in other rings, our check (compileArea, as every API path runs it) accepts exactly what
// ST_IsValid (GEOS, the OGC Simple Features rules) accepts.
import assert from 'node:assert/strict';
import pg from 'pg';
import { compileArea } from '../../gis/geojson';
import { GisInputError } from '../../gis/errors';
import { pointInRing } from '../../gis/point-in-polygon';
import { prng } from '../../bench/gis-data';
import { TEST_DATABASE_URL } from '../helpers/gateway';

type Ring = number[][];
/** Some vertex of a hole lies on another ring's boundary. */
const holeTouches = (rings: Ring[]): boolean =>
  rings.some(
    (h, k) =>
      k > 0 &&
      h.some(([x, y]) => rings.some((o, j) => j !== k && pointInRing(x!, y!, Float64Array.from(o.flat())) === 2)),
  );
const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('gis polygon validity agrees with PostGIS ST_IsValid', function () {
  this.timeout(60000);
  let client: pg.Client;
  const schema = `t_validity_${process.pid}`;

  before(async () => {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE EXTENSION IF NOT EXISTS postgis SCHEMA ${schema}`).catch(async () => {
      await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
    });
    await client.query(`SET search_path TO ${schema}, public`);
  });
  after(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client?.end();
  });

  /** Ours: accepted, or the GisInputError's message. */
  const ours = (g: { type: string; coordinates: unknown }): true | string => {
    try {
      compileArea(g, 'polygon');
      return true;
    } catch (e) {
      assert.ok(e instanceof GisInputError, String(e));
      return e.message;
    }
  };
  const postgis = async (gs: unknown[]): Promise<Array<{ valid: boolean; reason: string }>> => {
    const r = await client.query(
      'SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason ' +
        'FROM (SELECT ST_GeomFromGeoJSON(t) AS g, i FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i)) q ORDER BY i',
      [gs.map((g) => JSON.stringify(g))],
    );
    return r.rows as Array<{ valid: boolean; reason: string }>;
  };

  /** A hole on the integer lattice of the 0..10 shell: a rectangle or a triangle, often touching something. */
  const randomHole = (r: () => number): Ring => {
    const n = (): number => Math.floor(r() * 11);
    if (r() < 0.5) {
      let x0 = n(),
        y0 = n(),
        x1 = n(),
        y1 = n();
      if (x0 === x1) x1 = x0 === 10 ? 9 : x0 + 1;
      if (y0 === y1) y1 = y0 === 10 ? 9 : y0 + 1;
      [x0, x1] = [Math.min(x0, x1), Math.max(x0, x1)];
      [y0, y1] = [Math.min(y0, y1), Math.max(y0, y1)];
      return rect(x0, y0, x1, y1);
    }
    for (;;) {
      const a = [n(), n()],
        b = [n(), n()],
        c = [n(), n()];
      if ((b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!) !== 0) return [a, b, c, a];
    }
  };

  it('the same verdict on 3,000 random polygons with 1-3 lattice holes', async () => {
    const r = prng(2026);
    const shells: Ring[] = [
      rect(0, 0, 10, 10),
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [5, 10],
        [0, 10],
        [0, 5],
        [0, 0],
      ],
      [
        [0, 0],
        [10, 0],
        [5, 10],
        [0, 0],
      ],
    ];
    const geoms = Array.from({ length: 3000 }, () => {
      const rings = [shells[Math.floor(r() * shells.length)]!];
      const holes = 1 + Math.floor(r() * 3);
      for (let h = 0; h < holes; h++) rings.push(r() < 0.5 ? randomHole(r) : randomHole(r).reverse());
      return { type: 'Polygon', coordinates: rings };
    });
    const theirs = await postgis(geoms);
    let valid = 0,
      touching = 0;
    const disagree: string[] = [];
    geoms.forEach((g, i) => {
      const mine = ours(g),
        t = theirs[i]!;
      if (t.valid) valid++;
      if (t.valid && holeTouches(g.coordinates)) touching++;
      if ((mine === true) !== t.valid)
        disagree.push(`${JSON.stringify(g.coordinates)}: ours ${mine === true ? 'valid' : mine}; PostGIS ${t.reason}`);
    });
    assert.deepEqual(disagree.slice(0, 5), [], `${disagree.length} disagreements`);
    // the set exercises both verdicts in quantity
    assert.ok(valid > 300 && valid < 2700, `PostGIS valid: ${valid} of 3000`);
    assert.ok(touching > 100, `valid polygons whose holes touch another ring: ${touching}`);
  });

  it('named cases: touches at one point pass; twice, around a chain, along an edge or across do not', async () => {
    const shell = rect(0, 0, 10, 10);
    const cases: Array<[string, Ring[], boolean]> = [
      [
        'a hole touching the outer ring at a vertex',
        [
          shell,
          [
            [0, 5],
            [3, 4],
            [3, 6],
            [0, 5],
          ],
        ],
        true,
      ],
      [
        'a hole whose vertex lies on an outer edge',
        [
          shell,
          [
            [5, 0],
            [6, 2],
            [4, 2],
            [5, 0],
          ],
        ],
        true,
      ],
      ['two holes touching at a point', [shell, rect(2, 2, 4, 4), rect(4, 4, 6, 6)], true],
      [
        'three rings meeting at one point',
        [
          shell,
          [
            [0, 5],
            [3, 4],
            [3, 6],
            [0, 5],
          ],
          [
            [0, 5],
            [2, 8],
            [1, 8],
            [0, 5],
          ],
        ],
        true,
      ],
      [
        'a hole touching the outer ring at two points',
        [
          shell,
          [
            [0, 5],
            [5, 0],
            [5, 5],
            [0, 5],
          ],
        ],
        false,
      ],
      [
        'a chain of holes from edge to edge',
        [
          shell,
          [
            [0, 5],
            [5, 5],
            [3, 7],
            [0, 5],
          ],
          [
            [5, 5],
            [10, 5],
            [7, 7],
            [5, 5],
          ],
        ],
        false,
      ],
      [
        'a hole leaving through one point of an outer edge and back through another',
        [
          shell,
          [
            [10, 4],
            [12, 5],
            [10, 6],
            [8, 5],
            [10, 4],
          ],
        ],
        false,
      ],
      ['a hole sharing an edge with another', [shell, rect(2, 2, 4, 4), rect(4, 2, 6, 4)], false],
      [
        'a hole crossing out through an outer vertex',
        [
          shell,
          [
            [10, 10],
            [8, 9],
            [11, 11],
            [10, 10],
          ],
        ],
        false,
      ],
      [
        'a hole touching the outer ring from outside',
        [
          shell,
          [
            [10, 5],
            [12, 4],
            [12, 6],
            [10, 5],
          ],
        ],
        false,
      ],
      [
        'a hole inside another, touching it',
        [
          shell,
          rect(2, 2, 8, 8),
          [
            [2, 5],
            [4, 4],
            [4, 6],
            [2, 5],
          ],
        ],
        false,
      ],
      ['a hole inside another, sharing an edge', [shell, rect(2, 2, 8, 8), rect(2, 3, 4, 5)], false],
    ];
    const theirs = await postgis(cases.map(([, c]) => ({ type: 'Polygon', coordinates: c })));
    cases.forEach(([name, rings, want], i) => {
      assert.equal(theirs[i]!.valid, want, `PostGIS on ${name}: ${theirs[i]!.reason}`);
      const mine = ours({ type: 'Polygon', coordinates: rings });
      assert.equal(mine === true, want, `${name}: ${mine}`);
    });
  });
});
