// Reads what registration needs from an ONVIF device: identity, main/sub profiles, validated URIs, PTZ.
import {
  OnvifDevice,
  OnvifError,
  OnvifHttpError,
  OnvifResponseError,
  OnvifTimeoutError,
  type MediaProfile,
} from '../onvif/index';
import { DeviceError } from '../errors';
import type { StreamInfo } from '../contract';

export interface InspectOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Hosts other than the device's that its stream/snapshot URIs may name (e.g. a media server in the same network). */
  allowHost?: (host: string) => boolean;
}

export interface InspectedDevice {
  vendor: string;
  model: string;
  serial: string;
  firmware: string;
  mainUri: string;
  subUri: string | null;
  snapshotUri: string | null;
  streams: { main: StreamInfo; sub?: StreamInfo };
  ptz: boolean;
  events: boolean;
  media2: boolean;
  profileToken: string;
  mediaService: 1 | 2;
}

const CODEC: Record<string, StreamInfo['codec']> = { H264: 'h264', H265: 'h265', JPEG: 'mjpeg', MPEG4: 'mpeg4' };
const pixels = (p: MediaProfile): number => (p.width ?? 0) * (p.height ?? 0);
const info = (p: MediaProfile): StreamInfo => ({
  codec: CODEC[p.encoding] ?? 'unknown',
  ...(p.width ? { width: p.width } : {}),
  ...(p.height ? { height: p.height } : {}),
  ...(p.fps ? { fps: p.fps } : {}),
});

/** Connects (clock skew first), lists profiles (Media2 when offered), picks main = largest, sub = smallest. */
export async function inspectDevice(
  xaddr: string,
  creds: { username: string; password: string } | null,
  opts: InspectOptions,
): Promise<InspectedDevice> {
  const dev = new OnvifDevice({
    xaddr,
    timeoutMs: opts.timeoutMs,
    maxResponseBytes: opts.maxResponseBytes,
    ...(opts.allowHost ? { allowHost: opts.allowHost } : {}),
    ...(creds ? { username: creds.username, password: creds.password } : {}),
  });
  const services = await dev.connect();
  const id = await dev.getDeviceInformation();
  const media2 = Boolean(services.media2);
  const service: 1 | 2 = media2 ? 2 : 1;
  const profiles = (await dev.getProfiles(service)).filter((p) => p.encoding !== 'unknown');
  if (profiles.length === 0) throw new OnvifResponseError('GetProfiles', `${xaddr} lists no video profile`);
  const sorted = [...profiles].sort((a, b) => pixels(b) - pixels(a));
  const main = sorted[0]!;
  const sub = sorted.length > 1 ? sorted[sorted.length - 1]! : null;
  const mainUri = await dev.getStreamUri(main.token, service);
  const subUri = sub ? await dev.getStreamUri(sub.token, service) : null;
  const snapshotUri = await dev.getSnapshotUri(main.token, service).catch(() => null);
  return {
    vendor: id.manufacturer,
    model: id.model,
    serial: id.serialNumber,
    firmware: id.firmwareVersion,
    mainUri,
    subUri,
    snapshotUri,
    streams: { main: info(main), ...(sub ? { sub: info(sub) } : {}) },
    ptz: main.ptz && Boolean(services.ptz),
    events: Boolean(services.events),
    media2,
    profileToken: main.token,
    mediaService: service,
  };
}

/** The camera capabilities read from a device. */
export function deviceCapabilities(d: InspectedDevice) {
  const { ptz, events, media2, vendor, model, serial, firmware, profileToken, mediaService } = d;
  return { ptz, events, media2, vendor, model, serial, firmware, profileToken, mediaService };
}

/**
 * The error for a device that failed a call: a DeviceError saying whether it answered at all (a
 * timeout or refused connection: it may later) or answered badly (hostile or malformed XML, a fault,
 * too large). Errors that are not the device's (a bug) pass unchanged.
 */
export function deviceFailure(what: string, xaddr: string, err: unknown): unknown {
  if (err instanceof OnvifTimeoutError || (err instanceof OnvifHttpError && err.status === undefined))
    return new DeviceError(`${what}: device ${xaddr} did not answer: ${err.message}`, xaddr, false);
  if (err instanceof OnvifError)
    return new DeviceError(`${what}: device ${xaddr} answered badly: ${err.message}`, xaddr);
  return err;
}
