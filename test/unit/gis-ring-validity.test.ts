// Polygon rings must be simple: no area, crossings, touchings and fold-backs are clear 400s; real shapes pass.
import assert from 'node:assert/strict';
import { CameraIndex } from '../../gis/camera-index';
import { GisInputError } from '../../gis/errors';
import { MAX_PAIR_CHECKS, ringFault } from '../../gis/ring-validity';
import { prng, randomRing } from '../helpers/gis-random';

const flat = (ps: number[][]): Float64Array => Float64Array.from(ps.flat());
const X = 111.69, Y = 29.03;

describe('gis polygon rings must be simple', () => {
  const bad: Array<[string, number[][], RegExp]> = [
    ['a bowtie (two edges cross)', [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]], /crosses or touches itself/],
    ['all positions on one line', [[0, 0], [1, 1], [2, 2], [0, 0]], /no area/],
    ['one position repeated', [[0, 0], [0, 0], [0, 0], [0, 0]], /no area/],
    ['a spike back along its own edge', [[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]], /folds back|crosses or touches/],
    ['a vertex touching an edge that is not its neighbour', [[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]], /crosses or touches itself/],
    ['a figure eight through one vertex', [[0, 0], [1, 1], [2, 0], [2, 2], [1, 1], [0, 2], [0, 0]], /crosses or touches itself/],
    ['a triangle folded flat', [[0, 0], [1, 0], [0, 0], [0, 0]], /no area/],
  ];
  for (const [name, ring, want] of bad)
    it(`refuses ${name}`, () => {
      assert.match(ringFault(flat(ring)) ?? 'accepted', want);
      const g = { type: 'Polygon', coordinates: [ring.map(([x, y]) => [X + x! / 1000, Y + y! / 1000])] };
      assert.throws(() => new CameraIndex().withinPolygon(g), (e: unknown) => e instanceof GisInputError && e.path === 'polygon.coordinates[0]' && want.test(e.message));
    });

  const good: Array<[string, number[][]]> = [
    ['a square', [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    ['a triangle', [[0, 0], [1, 0], [0, 1], [0, 0]]],
    ['a concave L', [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]],
    ['a square with a repeated position', [[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    ['collinear positions along one edge', [[0, 0], [1, 0], [2, 0], [2, 1], [0, 1], [0, 0]]],
    ['a clockwise square', [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]],
  ];
  for (const [name, ring] of good)
    it(`accepts ${name}`, () => assert.equal(ringFault(flat(ring)), null));

  it('accepts random star-shaped rings and a 100,000-position circle', () => {
    const r = prng(61);
    for (let i = 0; i < 300; i++) assert.equal(ringFault(flat(randomRing(r, X, Y, 50 + r() * 3000, 3 + Math.floor(r() * 60)))), null);
    const circle: number[][] = [];
    for (let i = 0; i < 99_999; i++) circle.push([X + 0.05 * Math.cos((2 * Math.PI * i) / 99_999), Y + 0.05 * Math.sin((2 * Math.PI * i) / 99_999)]);
    circle.push(circle[0]!);
    assert.equal(ringFault(flat(circle)), null);
  });

  it('a ring whose edges all overlap in x is refused as too complex, not checked pair by pair', () => {
    // a sawtooth of 20,000 teeth, every edge spanning the whole width: 2·10^8 pairs to compare
    const ring: number[][] = [];
    for (let i = 0; i < 20_000; i++) ring.push([i % 2 ? 1 : 0, i * 0.001]);
    ring.push([-1, 20], [-1, 0], [0, 0]);
    assert.match(ringFault(flat(ring)) ?? 'accepted', new RegExp(`too complex to check \\(more than ${MAX_PAIR_CHECKS}`));
  });
});
