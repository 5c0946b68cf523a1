// Polygon rings must be simple: no area, crossings, touchings and fold-backs are clear 400s; real shapes pass.
import assert from 'node:assert/strict';
import { CameraIndex } from '../../gis/camera-index';
import { GisInputError } from '../../gis/errors';
import { MAX_PAIR_CHECKS, holesFault, ringFault } from '../../gis/ring-validity';
import { prng, randomRing } from '../helpers/gis-random';

const flat = (ps: number[][]): Float64Array => Float64Array.from(ps.flat());
const X = 111.69,
  Y = 29.03;

describe('gis polygon rings must be simple', () => {
  const bad: Array<[string, number[][], RegExp]> = [
    [
      'a bowtie (two edges cross)',
      [
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      /crosses or touches itself/,
    ],
    [
      'all positions on one line',
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [0, 0],
      ],
      /no area/,
    ],
    [
      'one position repeated',
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      /no area/,
    ],
    [
      'a spike back along its own edge',
      [
        [0, 0],
        [2, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
      /folds back|crosses or touches/,
    ],
    [
      'a vertex touching an edge that is not its neighbour',
      [
        [0, 0],
        [2, 0],
        [2, 2],
        [1, 0],
        [0, 2],
        [0, 0],
      ],
      /crosses or touches itself/,
    ],
    [
      'a figure eight through one vertex',
      [
        [0, 0],
        [1, 1],
        [2, 0],
        [2, 2],
        [1, 1],
        [0, 2],
        [0, 0],
      ],
      /crosses or touches itself/,
    ],
    [
      'a triangle folded flat',
      [
        [0, 0],
        [1, 0],
        [0, 0],
        [0, 0],
      ],
      /no area/,
    ],
  ];
  for (const [name, ring, want] of bad)
    it(`refuses ${name}`, () => {
      assert.match(ringFault(flat(ring)) ?? 'accepted', want);
      const g = { type: 'Polygon', coordinates: [ring.map(([x, y]) => [X + x! / 1000, Y + y! / 1000])] };
      assert.throws(
        () => new CameraIndex().withinPolygon(g),
        (e: unknown) => e instanceof GisInputError && e.path === 'polygon.coordinates[0]' && want.test(e.message),
      );
    });

  const good: Array<[string, number[][]]> = [
    [
      'a square',
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
    [
      'a triangle',
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    ],
    [
      'a concave L',
      [
        [0, 0],
        [2, 0],
        [2, 1],
        [1, 1],
        [1, 2],
        [0, 2],
        [0, 0],
      ],
    ],
    [
      'a square with a repeated position',
      [
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
    [
      'collinear positions along one edge',
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [2, 1],
        [0, 1],
        [0, 0],
      ],
    ],
    [
      'a clockwise square',
      [
        [0, 0],
        [0, 1],
        [1, 1],
        [1, 0],
        [0, 0],
      ],
    ],
  ];
  for (const [name, ring] of good) it(`accepts ${name}`, () => assert.equal(ringFault(flat(ring)), null));

  it('accepts random star-shaped rings and a 100,000-position circle', () => {
    const r = prng(61);
    for (let i = 0; i < 300; i++)
      assert.equal(ringFault(flat(randomRing(r, X, Y, 50 + r() * 3000, 3 + Math.floor(r() * 60)))), null);
    const circle: number[][] = [];
    for (let i = 0; i < 99_999; i++)
      circle.push([X + 0.05 * Math.cos((2 * Math.PI * i) / 99_999), Y + 0.05 * Math.sin((2 * Math.PI * i) / 99_999)]);
    circle.push(circle[0]!);
    assert.equal(ringFault(flat(circle)), null);
  });

  it('a ring whose edges all overlap in x is refused as too complex, not checked pair by pair', () => {
    // a sawtooth of 20,000 teeth, every edge spanning the whole width: 2·10^8 pairs to compare
    const ring: number[][] = [];
    for (let i = 0; i < 20_000; i++) ring.push([i % 2 ? 1 : 0, i * 0.001]);
    ring.push([-1, 20], [-1, 0], [0, 0]);
    assert.match(
      ringFault(flat(ring)) ?? 'accepted',
      new RegExp(`too complex to check \\(more than ${MAX_PAIR_CHECKS}`),
    );
  });

  describe('holes', () => {
    const sq = (x0: number, y0: number, x1: number, y1: number): number[][] => [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    const shell = sq(0, 0, 10, 10);
    const badHoles: Array<[string, number[][][], number, RegExp]> = [
      ['a hole outside the outer ring', [shell, sq(20, 20, 21, 21)], 1, /outside the outer ring/],
      ['a hole crossing the outer ring', [shell, sq(8, 8, 12, 12)], 1, /crosses ring 0/],
      ['a hole sharing an edge with the outer ring', [shell, sq(0, 2, 3, 4)], 1, /touches ring 0 along an edge/],
      ['a hole inside another hole', [shell, sq(1, 1, 8, 8), sq(3, 3, 4, 4)], 2, /inside hole 1/],
      ['two holes overlapping', [shell, sq(1, 1, 5, 5), sq(4, 4, 8, 8)], 2, /crosses ring 1/],
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
        1,
        /cut in two/,
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
        2,
        /cut in two/,
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
        1,
        /cut in two|outside the outer ring/,
      ],
      [
        'a hole inside another, touching it',
        [
          shell,
          sq(2, 2, 8, 8),
          [
            [2, 5],
            [4, 4],
            [4, 6],
            [2, 5],
          ],
        ],
        2,
        /inside or across hole 1/,
      ],
    ];
    for (const [name, rings, ring, want] of badHoles)
      it(`refuses ${name}`, () => {
        const f = holesFault(rings.map(flat));
        assert.equal(f?.ring, ring);
        assert.match(f?.message ?? 'accepted', want);
        const g = { type: 'Polygon', coordinates: rings.map((r) => r.map(([x, y]) => [X + x! / 1000, Y + y! / 1000])) };
        assert.throws(
          () => new CameraIndex().withinPolygon(g),
          (e: unknown) =>
            e instanceof GisInputError && e.path === `polygon.coordinates[${ring}]` && want.test(e.message),
        );
      });
    it('accepts holes inside the outer ring and apart from each other (either orientation)', () => {
      assert.equal(holesFault([shell, sq(1, 1, 3, 3), sq(5, 5, 8, 8).reverse()].map(flat)), null);
      assert.equal(holesFault([shell].map(flat)), null);
    });
    it('accepts rings touching at single points, as OGC Simple Features (and PostGIS) do', () => {
      assert.equal(
        holesFault(
          [
            shell,
            [
              [0, 5],
              [3, 4],
              [3, 6],
              [0, 5],
            ],
          ].map(flat),
        ),
        null,
        'a hole touching the outer ring at a vertex',
      );
      assert.equal(
        holesFault(
          [
            shell,
            [
              [5, 0],
              [6, 2],
              [4, 2],
              [5, 0],
            ],
          ].map(flat),
        ),
        null,
        'a hole vertex on an outer edge',
      );
      assert.equal(
        holesFault([shell, sq(2, 2, 4, 4), sq(4, 4, 6, 6)].map(flat)),
        null,
        'two holes touching at a corner',
      );
      assert.equal(
        holesFault(
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
          ].map(flat),
        ),
        null,
        'three rings meeting at one point',
      );
    });
  });
});
