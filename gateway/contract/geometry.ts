// GeoJSON polygons (simple rings, holes inside the outer ring) and bounding boxes, as requests give them.
import { z } from 'zod';
import { holesFault, ringFault } from '../../gis/ring-validity';
import { lat, lng } from './fields';

const position = z
  .array(z.number().finite())
  .min(2, 'a position needs longitude and latitude')
  .max(3)
  .refine(
    (p) => p.length < 2 || (Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90),
    'longitude must be in [-180, 180] and latitude in [-90, 90]',
  );
// Length caps come first: zod checks an array's length before its elements, so a hostile body of
// a million bad positions costs one issue, not a million.
const ring = z
  .array(position)
  .min(4, 'a linear ring needs at least 4 positions')
  .max(100_000, 'a linear ring has at most 100,000 positions')
  .refine(
    (r) => r.length < 4 || (r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1]),
    'a linear ring must be closed: its last position equals its first',
  )
  .superRefine((r, ctx) => {
    // only a closed ring of valid positions gets here with meaning; the checks above report the rest
    if (
      r.length < 4 ||
      r[0]![0] !== r[r.length - 1]![0] ||
      r[0]![1] !== r[r.length - 1]![1] ||
      r.some((p) => p.length < 2 || Math.abs(p[0]!) > 180 || Math.abs(p[1]!) > 90)
    )
      return;
    const fault = ringFault(flatRing(r));
    if (fault !== null) ctx.addIssue({ code: 'custom', message: `a linear ring must be simple: it ${fault}` });
  });
const flatRing = (r: number[][]): Float64Array => Float64Array.from(r.flatMap((p) => [p[0]!, p[1]!]));
// the rings of one polygon: holes inside the outer ring, apart from it and from each other
const rings = z
  .array(ring)
  .min(1)
  .max(10_000)
  .superRefine((rs, ctx) => {
    if (
      rs.length < 2 ||
      rs.some((r) => r.length < 4 || r.some((p) => p.length < 2 || Math.abs(p[0]!) > 180 || Math.abs(p[1]!) > 90))
    )
      return;
    const flat = rs.map(flatRing);
    if (flat.some((r) => r[0] !== r[r.length - 2] || r[1] !== r[r.length - 1] || ringFault(r) !== null)) return; // reported per ring
    const fault = holesFault(flat);
    if (fault !== null)
      ctx.addIssue({
        code: 'custom',
        path: [fault.ring],
        message: `a hole must lie inside the outer ring and apart from the other rings: ring ${fault.ring} ${fault.message}`,
      });
  });
export const polygonGeometry = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('Polygon'), coordinates: rings }),
  z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(rings).min(1).max(10_000) }),
]);

/** [minLng, minLat, maxLng, maxLat]; minLng > maxLng crosses the antimeridian, minLat > maxLat is an error. */
export const bboxTuple = z
  .tuple([lng, lat, lng, lat])
  .refine((b) => b[1] <= b[3], { message: 'minLat must be <= maxLat', path: [1] });
export const bboxParam = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : v),
  bboxTuple,
);
