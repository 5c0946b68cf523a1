// Synthetic city for the GIS benchmark: N cameras around Changde with realistic attributes, seeded.
import type { GisCamera } from '../gis/types';

/** Changde city centre (WGS-84). */
export const CENTRE: [number, number] = [111.69, 29.03];
/** Half-size of the box in degrees (~50 km wide: 0.25° lat ≈ 28 km, 0.26° lng ≈ 25 km). */
export const HALF_LNG = 0.26;
export const HALF_LAT = 0.225;

export const TAGS = [
  'school',
  'hospital',
  'traffic',
  'market',
  'station',
  'bank',
  'park',
  'river',
  'bridge',
  'square',
  'mall',
  'hotel',
  'gov',
  'factory',
  'plaza',
  'metro',
  'bus',
  'toll',
  'tunnel',
  'campus',
];
export const DEPARTMENTS = 12;

/** mulberry32: a small seeded PRNG returning floats in [0, 1) (shared with the tests). */
export { rng as prng } from '../sim/random';
import { rng as prng } from '../sim/random';

/**
 * `n` cameras, denser towards the centre (two thirds in an inner box a third of the size),
 * 65% online / 30% offline / 5% fault, 12 departments of uneven size, 0-3 tags, 75% with a bearing.
 */
export function makeCity(n: number, seed = 42): GisCamera[] {
  const rnd = prng(seed);
  const out: GisCamera[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const inner = rnd() < 0.66 ? 1 / 3 : 1;
    const lng = CENTRE[0] + (rnd() * 2 - 1) * HALF_LNG * inner;
    const lat = CENTRE[1] + (rnd() * 2 - 1) * HALF_LAT * inner;
    const u = rnd();
    const status = u < 0.65 ? 'online' : u < 0.95 ? 'offline' : 'fault';
    const departmentId = Math.min(DEPARTMENTS - 1, Math.floor(Math.pow(rnd(), 1.5) * DEPARTMENTS)) + 1;
    const tags: string[] = [];
    const nt = Math.floor(rnd() * 4);
    for (let t = 0; t < nt; t++) tags.push(TAGS[Math.floor(rnd() * TAGS.length)] as string);
    const hasBearing = rnd() < 0.75;
    out[i] = {
      id: i + 1,
      lng,
      lat,
      bearing: hasBearing ? Math.floor(rnd() * 360) : null,
      fovDeg: hasBearing ? 30 + Math.floor(rnd() * 90) : null,
      rangeM: rnd() < 0.8 ? 30 + Math.floor(rnd() * 170) : null,
      status,
      departmentId,
      tags,
    };
  }
  return out;
}

/** The departments typicalPolicy() can accept at all. */
export const TYPICAL_DEPARTMENTS: readonly number[] = [4, 1];

/** A typical officer: sees their own department plus another department's cameras shared by tag. */
export function typicalPolicy(ownDept = 4, sharedDept = 1, sharedTag = 'school'): (c: GisCamera) => boolean {
  return (c) => c.departmentId === ownDept || (c.departmentId === sharedDept && c.tags.includes(sharedTag));
}
