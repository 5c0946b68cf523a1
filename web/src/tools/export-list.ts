// Client-side export of a camera list as CSV (formula-injection safe) or GeoJSON.
import type { SpatialHit } from '../../../gateway/contract';

/** A spatial-query hit as the API returns it (camera summary, distance, covering flag, position along a route). */
export type Hit = SpatialHit;

/** A CSV cell: a leading = + - @ (or tab/CR) gets a quote so spreadsheets do not run it; quoted when needed. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const COLUMNS = [
  'id',
  'name',
  'departmentId',
  'status',
  'lng',
  'lat',
  'bearing',
  'fov',
  'rangeM',
  'gridId',
  'tags',
  'distanceM',
  'covering',
  'alongM',
] as const;

export function hitsToCsv(hits: Hit[]): string {
  const lines = [COLUMNS.join(',')];
  for (const hit of hits) {
    const c = hit.camera;
    const row = [
      c.id,
      c.name,
      c.departmentId,
      c.status,
      c.lng,
      c.lat,
      c.bearing,
      c.fov,
      c.rangeM,
      c.gridId,
      c.tags.join(';'),
      hit.distanceM === undefined ? '' : hit.distanceM.toFixed(1),
      hit.covering === undefined ? '' : hit.covering,
      hit.alongM === undefined ? '' : hit.alongM.toFixed(1),
    ];
    lines.push(row.map(csvCell).join(','));
  }
  // BOM: spreadsheet programs then read the Chinese names as UTF-8
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function hitsToGeoJson(hits: Hit[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: hits.map((hit) => {
      const { lng, lat, ...rest } = hit.camera;
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [lng, lat] },
        properties: { ...rest, distanceM: hit.distanceM, covering: hit.covering, alongM: hit.alongM },
      };
    }),
  });
}
