// The API contract: zod schemas that validate requests and generate the OpenAPI document, and their types.
import { z } from 'zod';
import { holesFault, ringFault } from '../gis/ring-validity';
import { EMBED_ACTIONS, ROLES, SHARE_GRANTS } from './auth/policy';

/** The roles of the access policy (auth/policy.ts owns the list). */
export const ROLE = z.enum(ROLES);
/** A role and an action of the access policy, as types the console may import. */
export type Role = z.infer<typeof ROLE>;
export type { Action } from './auth/policy';
export const CAMERA_STATUS = z.enum(['unknown', 'online', 'offline', 'unauthorized', 'degraded']);
export const PROFILE = z.enum(['main', 'sub']);

const id = z.coerce.number().int().positive();

/**
 * A number in a query string or path segment: its plain decimal spelling only. z.coerce.number()
 * reads '' and ' ' as 0 and '0x1f' as 31; here they are 400s.
 */
export const queryNumber = <T extends z.ZodType<number, number>>(inner: T) => {
  const n = inner as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  const range = [
    n.minValue != null && Number.isFinite(n.minValue) ? `>= ${n.minValue}` : '',
    n.maxValue != null && Number.isFinite(n.maxValue) ? `<= ${n.maxValue}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return z
    .string()
    .regex(/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/, 'must be a decimal number')
    .transform(Number)
    .pipe(inner)
    .meta({ description: `${n.isInt ? 'an integer' : 'a decimal number'}${range ? ` ${range}` : ''}` });
};
const lng = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const text = (max: number) => z.string().max(max);
const tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^,\s][^,]*$/, 'a tag has no commas and does not start with a space');

export const streamUri = z
  .string()
  .max(2048)
  .regex(/^rtsps?:\/\/[^\s]+$/i, 'must be an rtsp:// or rtsps:// URL without spaces');
export const httpUri = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/i, 'must be an http:// or https:// URL without spaces');

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

export const streamInfo = z.strictObject({
  codec: z.enum(['h264', 'h265', 'mjpeg', 'mpeg4', 'unknown']).default('h264'),
  width: z.number().int().min(0).max(16384).optional(),
  height: z.number().int().min(0).max(16384).optional(),
  fps: z.number().min(0).max(240).optional(),
  audio: z.string().max(32).nullable().optional(),
});

export const capabilities = z.strictObject({
  ptz: z.boolean().optional(),
  events: z.boolean().optional(),
  media2: z.boolean().optional(),
  vendor: text(120).optional(),
  model: text(120).optional(),
  serial: text(120).optional(),
  firmware: text(120).optional(),
  /** ONVIF profile token of the main stream (PTZ calls use it) and the media service that listed it. */
  profileToken: text(64).optional(),
  mediaService: z.union([z.literal(1), z.literal(2)]).optional(),
  /** A lower platform's camera (cascade): that platform plays its recordings to this one. */
  playback: z.boolean().optional(),
});

export const cameraCreate = z.strictObject({
  name: z.string().min(1).max(200),
  departmentId: id.optional(),
  networkId: id.nullable().optional(),
  source: z.enum(['onvif', 'rtsp']).default('rtsp'),
  xaddr: httpUri.nullable().optional(),
  mainUri: streamUri,
  subUri: streamUri.nullable().optional(),
  snapshotUri: httpUri.nullable().optional(),
  username: text(128).optional(),
  password: text(256).optional(),
  streams: z.strictObject({ main: streamInfo.optional(), sub: streamInfo.optional() }).default({}),
  lng,
  lat,
  bearing: z.number().min(0).lt(360).nullable().optional(),
  fov: z.number().gt(0).max(360).nullable().optional(),
  rangeM: z.number().gt(0).max(5000).nullable().optional(),
  address: text(400).default(''),
  tags: z.array(tag).max(50).default([]),
  capabilities: capabilities.default({}),
});
/** A change: only the fields given (the create's defaults would reset source, streams, address, tags and capabilities). */
export const cameraUpdate = cameraCreate
  .extend({
    source: z.enum(['onvif', 'rtsp']),
    streams: z.strictObject({ main: streamInfo.optional(), sub: streamInfo.optional() }),
    address: text(400),
    tags: z.array(tag).max(50),
    capabilities,
  })
  .partial()
  .omit({ departmentId: true });

export const camera = z.object({
  id: z.string(),
  departmentId: z.number(),
  networkId: z.number().nullable(),
  name: z.string(),
  source: z.enum(['onvif', 'rtsp', 'gb28181', 'cascade']),
  /** GB/T 28181 channels: the registered device's id and the channel's id (20 digits each); null for other sources. */
  gbDeviceId: z.string().nullable(),
  gbChannelId: z.string().nullable(),
  /** Cameras of a lower Cloud Eye platform (cascade): the peer's name and the camera's id there; null otherwise. */
  cascadePeer: z.string().nullable(),
  cascadeCameraId: z.string().nullable(),
  xaddr: z.string().nullable(),
  mainUri: z.string().nullable(),
  subUri: z.string().nullable(),
  snapshotUri: z.string().nullable(),
  hasCredentials: z.boolean(),
  streams: z.object({ main: streamInfo.optional(), sub: streamInfo.optional() }),
  lng: z.number(),
  lat: z.number(),
  bearing: z.number().nullable(),
  fov: z.number().nullable(),
  rangeM: z.number().nullable(),
  address: z.string(),
  tags: z.array(z.string()),
  status: CAMERA_STATUS,
  statusReason: z.string(),
  lastSeen: z.string().nullable(),
  capabilities,
  gridId: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const csv = (inner: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(inner).max(100));

/** [minLng, minLat, maxLng, maxLat]; minLng > maxLng crosses the antimeridian, minLat > maxLat is an error. */
export const bboxTuple = z
  .tuple([lng, lat, lng, lat])
  .refine((b) => b[1] <= b[3], { message: 'minLat must be <= maxLat', path: [1] });
export const bboxParam = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : v),
  bboxTuple,
);

export const cameraListQuery = z.strictObject({
  department: csv(z.string().regex(/^\d+$/)).optional(),
  network: csv(z.string().regex(/^\d+$/)).optional(),
  status: csv(CAMERA_STATUS).optional(),
  tag: csv(tag).optional(),
  bbox: bboxParam.optional(),
  q: text(200).optional(),
  limit: queryNumber(z.number().int().min(1).max(1000)).default(100),
  cursor: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
});

export const department = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  settings: z.object({ requireStreamReason: z.boolean().optional() }),
});
export const departmentCreate = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[a-z0-9_-]+$/),
  name: z.string().min(1).max(120),
  nameEn: text(120).default(''),
  settings: z.strictObject({ requireStreamReason: z.boolean().optional() }).default({}),
});

export const network = z.object({
  id: z.number(),
  departmentId: z.number(),
  name: z.string(),
  interface: z.string(),
  cidrs: z.array(z.string()),
  hosts: z.array(z.string()),
  hasDefaultCredentials: z.boolean(),
});
export const networkCreate = z.strictObject({
  departmentId: id.optional(),
  name: z.string().min(1).max(120),
  interface: text(64).default(''),
  cidrs: z
    .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR like 10.1.0.0/24'))
    .max(64)
    .default([]),
  hosts: z
    .array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be host or host:port'))
    .max(4096)
    .default([]),
  username: text(128).optional(),
  password: text(256).optional(),
});

export const user = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: ROLE,
  departmentId: z.number().nullable(),
  areaGridId: z.number().nullable(),
  locale: z.string(),
  disabled: z.boolean(),
});
export const userCreate = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[\p{L}\p{N}._-]+$/u, 'letters, digits, . _ - only'),
  password: z.string().min(8).max(256),
  displayName: text(120).default(''),
  role: ROLE,
  departmentId: id.nullable().optional(),
  areaGridId: id.nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export const userUpdate = userCreate.partial().omit({ username: true }).extend({ disabled: z.boolean().optional() });

/** A browser origin as a browser sends it: scheme, host and optional port, nothing after. */
export const webOrigin = z
  .string()
  .max(200)
  .regex(
    /^https?:\/\/([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/,
    'an origin: scheme://host[:port], no path',
  );
export const EMBED_ACTION = z.enum(EMBED_ACTIONS);

/** Which cameras an API key or an embed token may reach: every criterion given must hold (empty: no limit). */
export const cameraScope = z.strictObject({
  departments: z.array(id).max(100).optional(),
  tags: z.array(tag).max(100).optional(),
  cameraIds: z
    .array(z.string().regex(/^\d{1,19}$/, 'a camera id'))
    .max(10_000)
    .optional(),
  area: polygonGeometry.nullable().optional(),
});

export const apiKey = z.object({
  id: z.number(),
  departmentId: z.number(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  cameraScope: cameraScope.describe('narrows the key and every embed token it issues'),
  embedActions: z.array(EMBED_ACTION).describe('what its embed tokens may be given'),
  origins: z.array(z.string()).describe('browser origins its embed tokens may be used from'),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const apiKeyCreate = z.strictObject({
  name: z.string().min(1).max(120),
  departmentId: id.optional(),
  // 'playback' (recorded footage) is never a default: a key is given it explicitly
  scopes: z.array(z.enum(['view', 'spatial', 'events', 'playback'])).default(['view', 'spatial', 'events']),
  cameraScope: cameraScope.default({}),
  embedActions: z.array(EMBED_ACTION).max(3).default([]),
  origins: z.array(webOrigin).max(50).default([]),
});

/** An API key's embed settings changed by an admin; its tokens are narrowed at once (they never exceed their key). */
export const apiKeyEmbedUpdate = z
  .strictObject({
    cameraScope: cameraScope.optional(),
    embedActions: z.array(EMBED_ACTION).max(3).optional(),
    origins: z.array(webOrigin).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give cameraScope, embedActions or origins');

/** An integrator's server asks for an embed token for one end user (X-API-Key; never from a browser). */
export const embedTokenCreate = z.strictObject({
  label: z.string().trim().min(1).max(200).describe('the end user, as the audit log names them'),
  ttlS: z.number().int().min(30).max(86_400).default(900),
  cameraScope: cameraScope.default({}).describe("intersected with the key's scope"),
  actions: z.array(EMBED_ACTION).min(1).max(3).default(['live']).describe("a subset of the key's embedActions"),
  origins: z
    .array(webOrigin)
    .min(1)
    .max(50)
    .optional()
    .describe("a subset of the key's origins (default: all of them)"),
});
export const embedToken = z.object({
  id: z.number(),
  apiKeyId: z.number(),
  label: z.string(),
  cameraScope,
  actions: z.array(EMBED_ACTION),
  origins: z.array(z.string()),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
/** What an embed token is, for the widget that holds it (GET /embed/session). */
export const embedSession = z.object({
  label: z.string(),
  actions: z.array(EMBED_ACTION),
  origins: z.array(z.string()),
  expiresAt: z.string(),
});

export const share = z.object({
  id: z.number(),
  fromDepartmentId: z.number(),
  toDepartmentId: z.number(),
  kind: z.enum(['all', 'tags', 'cameras', 'polygon']),
  tags: z.array(z.string()),
  cameraIds: z.array(z.string()),
  polygon: polygonGeometry.nullable(),
  grants: z
    .enum(SHARE_GRANTS)
    .describe("'live': live viewing only; 'live+playback': also recorded footage (playback, export)"),
  note: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const shareCreate = z
  .strictObject({
    fromDepartmentId: id.optional(),
    toDepartmentId: id,
    kind: z.enum(['all', 'tags', 'cameras', 'polygon']),
    tags: z.array(tag).max(50).default([]),
    cameraIds: z.array(z.string().regex(/^\d+$/)).max(10000).default([]),
    polygon: polygonGeometry.nullable().default(null),
    grants: z.enum(SHARE_GRANTS).default('live'),
    note: text(400).default(''),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'tags' && s.tags.length === 0)
      ctx.addIssue({ code: 'custom', path: ['tags'], message: 'a tags share needs at least one tag' });
    if (s.kind === 'cameras' && s.cameraIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['cameraIds'], message: 'a cameras share needs at least one camera id' });
    if (s.kind === 'polygon' && !s.polygon)
      ctx.addIssue({ code: 'custom', path: ['polygon'], message: 'a polygon share needs a polygon' });
  });

export const grid = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  geometry: polygonGeometry,
  properties: z.record(z.string(), z.unknown()),
});
export const gridCreate = z.strictObject({
  name: z.string().min(1).max(200),
  kind: z.enum(['district', 'grid', 'place']),
  geometry: polygonGeometry,
  properties: z.record(z.string(), z.unknown()).default({}),
});

export const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  departmentId: z.number().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  /** The name of what the row names (camera, user, network, API key, grid), when the reader may be shown it; null otherwise. */
  targetName: z.string().nullable(),
  /** The acting user's display name (actorName is the login name). */
  actorDisplayName: z.string().nullable(),
});
export const auditQuery = z.strictObject({
  action: text(64).optional(),
  actor: text(120).optional(),
  targetType: text(32).optional(),
  targetId: text(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: queryNumber(z.number().int().min(1).max(1000)).default(100),
  cursor: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
});

export const loginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const loginResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  user,
});
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(10).max(512) });

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A camera as spatial queries return it: what the in-memory index holds (no address or URIs). */
export const cameraSummary = z.object({
  id: z.string(),
  name: z.string(),
  departmentId: z.number(),
  status: z.string(),
  lng: z.number(),
  lat: z.number(),
  bearing: z.number().nullable(),
  fov: z.number().nullable(),
  rangeM: z.number().nullable(),
  tags: z.array(z.string()),
  gridId: z.number().nullable(),
});
/**
 * One hit of a spatial query: distance (m) and bearing (deg) from the query point; covering = its view sector holds
 * the point; alongM = position along a route.
 */
export const spatialHit = z.object({
  camera: cameraSummary,
  distanceM: z.number(),
  bearingDeg: z.number(),
  covering: z.boolean().optional(),
  alongM: z.number().optional(),
});

/** A discovery scan of one network, with its progress. */
export const scanInfo = z.object({
  id: z.string(),
  networkId: z.number(),
  departmentId: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  probed: z.number(),
  total: z.number(),
  found: z.number(),
  error: z.string().nullable(),
});
/** A device found by discovery and not registered yet. */
export const foundDevice = z.object({
  networkId: z.number(),
  endpoint: z.string(),
  xaddr: z.string(),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
  via: z.string(),
  lastSeen: z.string(),
});

/** GET /cameras/search: a text (name, id, tag or address) and how many hits at most. */
export const cameraSearchQuery = z.strictObject({
  q: z.string().trim().min(1, 'type at least one character').max(200),
  limit: queryNumber(z.number().int().min(1).max(100)).default(20),
});
/** One search hit: the camera's summary, its address, and which of its fields matched first (id, name, tag, address). */
export const cameraSearchHit = z.object({
  id: z.string(),
  name: z.string(),
  departmentId: z.number(),
  status: z.string(),
  lng: z.number(),
  lat: z.number(),
  address: z.string(),
  tags: z.array(z.string()),
  match: z.enum(['id', 'name', 'tag', 'address']),
});
const treeBy = z.enum(['network', 'grid']).default('network');
/** GET /cameras/tree: the visible cameras counted by department, then by camera network or by grid. */
export const cameraTreeQuery = z.strictObject({ by: treeBy });
export const cameraTree = z.object({
  by: z.enum(['network', 'grid']),
  departments: z.array(
    z.object({
      id: z.number(),
      count: z.number(),
      groups: z.array(
        z.object({
          id: z.number().nullable().meta({ description: 'null: cameras of no network / in no grid' }),
          name: z.string(),
          count: z.number(),
        }),
      ),
    }),
  ),
});
/** GET /cameras/tree/cameras: the visible cameras of one department's group (group "none" = of no network / grid), by name. */
export const cameraTreeLeavesQuery = z.strictObject({
  by: treeBy,
  department: queryNumber(z.number().int().positive()),
  group: z.union([z.literal('none'), z.string().regex(/^\d{1,9}$/, 'a group id is a decimal integer or "none"')]),
  limit: queryNumber(z.number().int().min(1).max(1000)).default(500),
});
export const cameraTreeLeaves = z.object({ items: z.array(cameraSearchHit.omit({ match: true })), total: z.number() });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export type Camera = z.infer<typeof camera>;
export type CameraCreate = z.infer<typeof cameraCreate>;
export type CameraUpdate = z.infer<typeof cameraUpdate>;
export type CameraListQuery = z.infer<typeof cameraListQuery>;
export type Department = z.infer<typeof department>;
export type Network = z.infer<typeof network>;
export type User = z.infer<typeof user>;
export type ApiKey = z.infer<typeof apiKey>;
export type CameraScopeInput = z.infer<typeof cameraScope>;
export type EmbedToken = z.infer<typeof embedToken>;
export type EmbedSession = z.infer<typeof embedSession>;
export type Share = z.infer<typeof share>;
export type ShareCreate = z.infer<typeof shareCreate>;
export type Grid = z.infer<typeof grid>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type LoginResponse = z.infer<typeof loginResponse>;
export type Problem = z.infer<typeof problem>;
export type StreamInfo = z.infer<typeof streamInfo>;
export type CameraSummary = z.infer<typeof cameraSummary>;
export type SpatialHit = z.infer<typeof spatialHit>;
export type ScanInfo = z.infer<typeof scanInfo>;
export type FoundDevice = z.infer<typeof foundDevice>;
export type CameraSearchHit = z.infer<typeof cameraSearchHit>;
export type CameraTree = z.infer<typeof cameraTree>;
export type CameraTreeLeaves = z.infer<typeof cameraTreeLeaves>;
