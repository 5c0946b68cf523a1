// Camera export: the registry's cameras as GeoJSON or as CSV with the columns the import reads.
import type { Camera } from '../contract';
import { CSV_COLUMNS } from './camera-input';
import { toCsv } from './csv';

/** The import's columns without the credentials (never exported), with the id before and the status after. */
const CSV_HEADER = ['id', ...CSV_COLUMNS.filter((c) => c !== 'username' && c !== 'password'), 'status'];

/** A FeatureCollection of points, each camera's fields and its department's code as properties. */
export function camerasToGeoJson(
  cams: readonly Camera[],
  departments: ReadonlyArray<{ id: number; code: string }>,
): unknown {
  const codes = new Map(departments.map((d) => [d.id, d.code]));
  return {
    type: 'FeatureCollection',
    features: cams.map(({ lng, lat, ...c }) => ({
      type: 'Feature',
      id: c.id,
      geometry: { type: 'Point', coordinates: [lng, lat] },
      properties: { ...c, department: codes.get(c.departmentId) },
    })),
  };
}

/** CSV with the import's columns (department by code, network by name). */
export function camerasToCsv(
  cams: readonly Camera[],
  departments: ReadonlyArray<{ id: number; code: string }>,
  networks: ReadonlyArray<{ id: number; name: string }>,
): string {
  const codes = new Map(departments.map((d) => [d.id, d.code]));
  const nets = new Map(networks.map((n) => [n.id, n.name]));
  return toCsv(
    CSV_HEADER,
    cams.map((c) => [
      c.id,
      c.name,
      codes.get(c.departmentId),
      c.networkId ? nets.get(c.networkId) : '',
      c.source,
      c.mainUri,
      c.subUri,
      c.snapshotUri,
      c.xaddr,
      c.lng,
      c.lat,
      c.bearing,
      c.fov,
      c.rangeM,
      c.address,
      c.tags,
      c.streams.main?.codec ?? '',
      c.status,
    ]),
  );
}
