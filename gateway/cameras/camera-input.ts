// Camera input normalisation: credentials lifted out of URIs, CSV rows and GeoJSON features → CameraCreate.
import { z } from 'zod';
import { cameraCreate, type CameraCreate } from '../contract';
import { ValidationError, type FieldIssue } from '../errors';
import { parseCsv, CsvError } from './csv';

/** Removes user:password@ from a URI and returns both parts (credentials never stay inside stored URIs). */
export function splitCredentials(uri: string): { uri: string; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return { uri };
  }
  if (!u.username && !u.password) return { uri };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { uri: u.toString(), username, password };
}

/** Normalises a validated create input: credentials lifted from URIs unless given explicitly. */
export function liftCredentials<
  T extends {
    mainUri?: string | null | undefined;
    subUri?: string | null | undefined;
    username?: string | undefined;
    password?: string | undefined;
  },
>(input: T): T {
  const out = { ...input };
  for (const key of ['mainUri', 'subUri'] as const) {
    const v = out[key];
    if (!v) continue;
    const s = splitCredentials(v);
    out[key] = s.uri as T[typeof key];
    if (s.username !== undefined && out.username === undefined) {
      out.username = s.username;
      out.password = s.password ?? '';
    }
  }
  return out;
}

export const CSV_COLUMNS = [
  'name',
  'department',
  'network',
  'source',
  'main_uri',
  'sub_uri',
  'snapshot_uri',
  'xaddr',
  'username',
  'password',
  'lng',
  'lat',
  'bearing',
  'fov',
  'range_m',
  'address',
  'tags',
  'codec',
] as const;
const EXPORT_FIELD: Record<string, string> = {
  main_uri: 'mainUri',
  sub_uri: 'subUri',
  snapshot_uri: 'snapshotUri',
  range_m: 'rangeM',
};

export interface ImportRow {
  /** Where the row came from, for error messages: "line 7" or "feature 3". */
  where: string;
  department?: string;
  network?: string;
  camera: CameraCreate;
}

const emptyToUndef = (s: string | undefined): string | undefined =>
  s === undefined || s.trim() === '' ? undefined : s.trim();
const numOrNull = (s: string | undefined): number | null | undefined => {
  const v = emptyToUndef(s);
  return v === undefined ? undefined : Number(v);
};

function check(where: string, raw: unknown, issues: FieldIssue[]): CameraCreate | null {
  const r = cameraCreate.safeParse(raw);
  if (r.success) return liftCredentials(r.data);
  for (const i of r.error.issues) {
    const field = i.path.map(String).join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : '(row)');
    issues.push({ path: `${where}: ${field}`, message: i.message });
  }
  return null;
}

/** Parses a whole CSV import; throws ValidationError listing every bad row by line and field. */
export function camerasFromCsv(text: string): ImportRow[] {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError)
      throw new ValidationError(err.message, [{ path: `line ${err.line}`, message: err.message }]);
    throw err;
  }
  const [head, ...body] = rows;
  if (!head) throw new ValidationError('import: the CSV file is empty', [{ path: 'line 1', message: 'no header row' }]);
  const cols = head.cells.map((c) => c.trim().toLowerCase());
  const unknown = cols.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length)
    throw new ValidationError(
      'import: unknown CSV columns',
      unknown.map((c) => ({
        path: `line ${head.line}: ${c}`,
        message: `unknown column; expected some of ${CSV_COLUMNS.join(',')}`,
      })),
    );
  for (const req of ['name', 'main_uri', 'lng', 'lat'])
    if (!cols.includes(req))
      throw new ValidationError(`import: CSV needs a ${req} column`, [
        { path: `line ${head.line}: ${req}`, message: 'required column missing' },
      ]);
  const issues: FieldIssue[] = [];
  const out: ImportRow[] = [];
  for (const row of body) {
    const where = `line ${row.line}`;
    if (row.cells.length !== cols.length) {
      issues.push({ path: where, message: `has ${row.cells.length} fields, the header has ${cols.length}` });
      continue;
    }
    const v = Object.fromEntries(cols.map((c, i) => [c, row.cells[i]]));
    const codec = emptyToUndef(v.codec);
    const raw: Record<string, unknown> = {
      name: v.name,
      source: emptyToUndef(v.source) ?? 'rtsp',
      mainUri: emptyToUndef(v.main_uri),
      subUri: emptyToUndef(v.sub_uri) ?? null,
      snapshotUri: emptyToUndef(v.snapshot_uri) ?? null,
      xaddr: emptyToUndef(v.xaddr) ?? null,
      username: emptyToUndef(v.username),
      password: v.password === undefined || v.password === '' ? undefined : v.password,
      lng: numOrNull(v.lng),
      lat: numOrNull(v.lat),
      bearing: numOrNull(v.bearing) ?? null,
      fov: numOrNull(v.fov) ?? null,
      rangeM: numOrNull(v.range_m) ?? null,
      address: v.address ?? '',
      tags: (emptyToUndef(v.tags) ?? '')
        .split('|')
        .map((t) => t.trim())
        .filter(Boolean),
      ...(codec ? { streams: { main: { codec } } } : {}),
    };
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    const cam = check(where, raw, issues);
    if (cam) out.push({ where, department: emptyToUndef(v.department), network: emptyToUndef(v.network), camera: cam });
  }
  if (issues.length) throw new ValidationError(`import: ${issues.length} problem(s); nothing was imported`, issues);
  return out;
}

const featureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]).rest(z.number()) }),
      properties: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

/** Parses a GeoJSON FeatureCollection of Point cameras; properties use the API's field names. */
export function camerasFromGeoJson(text: string): ImportRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ValidationError('import: the GeoJSON file is not valid JSON', [
      { path: 'body', message: 'malformed JSON' },
    ]);
  }
  const fc = featureCollection.safeParse(doc);
  if (!fc.success)
    throw new ValidationError(
      'import: not a FeatureCollection of Point features',
      fc.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  const issues: FieldIssue[] = [];
  const out: ImportRow[] = [];
  fc.data.features.forEach((f, i) => {
    const where = `feature ${i + 1}`;
    const {
      department,
      network,
      id: _id,
      hasCredentials: _h,
      status: _s,
      ...props
    } = (f.properties ?? {}) as Record<string, unknown>;
    for (const k of ['statusReason', 'lastSeen', 'createdAt', 'updatedAt', 'gridId', 'networkId', 'departmentId'])
      delete props[k];
    // a GB/T 28181 channel's ids (a lower platform's camera's) are null on other cameras; a channel (a cascaded
    // camera) itself is refused: its device (its platform) registers it
    for (const k of ['gbDeviceId', 'gbChannelId', 'cascadePeer', 'cascadeCameraId'])
      if (props[k] === null) delete props[k];
    const cam = check(where, { ...props, lng: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }, issues);
    if (cam)
      out.push({
        where,
        ...(department != null ? { department: String(department) } : {}),
        ...(network != null ? { network: String(network) } : {}),
        camera: cam,
      });
  });
  if (issues.length) throw new ValidationError(`import: ${issues.length} problem(s); nothing was imported`, issues);
  return out;
}

export { EXPORT_FIELD };
