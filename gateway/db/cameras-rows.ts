// Camera row mapping: the stored record and write shapes, row to record and write to row.
import type { Camera, StreamInfo } from '../contract';

/** A camera as stored, with its sealed credentials (never leaves the gateway). */
export interface CameraRecord extends Camera {
  credentialsEnc: string | null;
}

export interface CameraWrite {
  departmentId?: number;
  networkId?: number | null;
  name?: string;
  source?: 'onvif' | 'rtsp' | 'gb28181' | 'cascade';
  gbDeviceId?: string | null;
  gbChannelId?: string | null;
  cascadePeer?: string | null;
  cascadeCameraId?: string | null;
  xaddr?: string | null;
  mainUri?: string | null;
  subUri?: string | null;
  snapshotUri?: string | null;
  credentialsEnc?: string | null;
  streams?: { main?: StreamInfo; sub?: StreamInfo };
  lng?: number;
  lat?: number;
  bearing?: number | null;
  fov?: number | null;
  rangeM?: number | null;
  address?: string;
  tags?: string[];
  capabilities?: Record<string, unknown>;
  gridId?: number | null;
}

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
const num = (v: unknown): number | null => (v == null ? null : Number(v));

export function cameraFromRow(r: Row): CameraRecord {
  return {
    id: String(r.id),
    departmentId: Number(r.department_id),
    networkId: num(r.network_id),
    name: String(r.name),
    source: r.source as Camera['source'],
    gbDeviceId: (r.gb_device_id as string | null) ?? null,
    gbChannelId: (r.gb_channel_id as string | null) ?? null,
    cascadePeer: (r.cascade_peer as string | null) ?? null,
    cascadeCameraId: (r.cascade_camera_id as string | null) ?? null,
    xaddr: (r.xaddr as string | null) ?? null,
    mainUri: (r.main_uri as string | null) ?? null,
    subUri: (r.sub_uri as string | null) ?? null,
    snapshotUri: (r.snapshot_uri as string | null) ?? null,
    hasCredentials: r.credentials_enc != null,
    credentialsEnc: (r.credentials_enc as string | null) ?? null,
    streams: (r.streams as Camera['streams']) ?? {},
    lng: Number(r.lng),
    lat: Number(r.lat),
    bearing: num(r.bearing),
    fov: num(r.fov),
    rangeM: num(r.range_m),
    address: String(r.address ?? ''),
    tags: (r.tags as string[]) ?? [],
    status: r.status as Camera['status'],
    statusReason: String(r.status_reason ?? ''),
    lastSeen: iso(r.last_seen),
    capabilities: (r.capabilities as Camera['capabilities']) ?? {},
    gridId: num(r.grid_id),
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
  };
}

/** Drops the sealed credentials: what may leave the gateway. */
export function publicCamera(c: CameraRecord): Camera {
  const { credentialsEnc: _sealed, ...pub } = c;
  return pub;
}

const COLUMNS: Record<keyof CameraWrite, string> = {
  departmentId: 'department_id',
  networkId: 'network_id',
  name: 'name',
  source: 'source',
  gbDeviceId: 'gb_device_id',
  gbChannelId: 'gb_channel_id',
  cascadePeer: 'cascade_peer',
  cascadeCameraId: 'cascade_camera_id',
  xaddr: 'xaddr',
  mainUri: 'main_uri',
  subUri: 'sub_uri',
  snapshotUri: 'snapshot_uri',
  credentialsEnc: 'credentials_enc',
  streams: 'streams',
  lng: 'lng',
  lat: 'lat',
  bearing: 'bearing',
  fov: 'fov',
  rangeM: 'range_m',
  address: 'address',
  tags: 'tags',
  capabilities: 'capabilities',
  gridId: 'grid_id',
};

export function cameraToRow(w: CameraWrite): Row {
  const row: Row = {};
  for (const [k, col] of Object.entries(COLUMNS) as Array<[keyof CameraWrite, string]>) {
    const v = w[k];
    if (v === undefined) continue;
    row[col] = k === 'streams' || k === 'capabilities' ? JSON.stringify(v) : v;
  }
  return row;
}
