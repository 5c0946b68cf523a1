// Cameras in the API contract: what is registered, changed, read and listed, with their streams and capabilities.
import { z } from 'zod';
import { CAMERA_STATUS, csv, httpUri, id, lat, lng, pageQuery, queryNumber, streamUri, tag, text } from './fields';
import { bboxParam } from './geometry';

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

export const cameraListQuery = z.strictObject({
  department: csv(z.string().regex(/^\d+$/)).optional(),
  network: csv(z.string().regex(/^\d+$/)).optional(),
  status: csv(CAMERA_STATUS).optional(),
  tag: csv(tag).optional(),
  bbox: bboxParam.optional(),
  q: text(200).optional(),
  ...pageQuery,
});

export type Camera = z.infer<typeof camera>;
export type CameraCreate = z.infer<typeof cameraCreate>;
export type CameraUpdate = z.infer<typeof cameraUpdate>;
export type CameraListQuery = z.infer<typeof cameraListQuery>;
export type StreamInfo = z.infer<typeof streamInfo>;
