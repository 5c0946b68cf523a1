// The PTZ sessions of cameras: a connected ONVIF client per camera, kept a minute so a key press costs one SOAP call;
// GB/T 28181 channels through the device their catalog came from.
import { OnvifDevice, OnvifError, OnvifHttpError, OnvifTimeoutError } from '../onvif/index';
import type { CameraRecord } from '../db/cameras-repo';
import { DeviceError, ValidationError } from '../errors';

/** What PTZ needs of the camera layer (CameraService). */
export interface PtzCameraAccess {
  credentials(cam: CameraRecord): { username: string; password: string } | null;
  assertReach(cam: CameraRecord): Promise<void>;
}

export interface PtzDeviceOptions {
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** How long a connected client is reused, in milliseconds (default 60,000). */
  keepMs?: number;
}

/** The PTZ calls of a device: an ONVIF client, or a GB/T 28181 device (PTZCmd). */
export type PtzDevice = Pick<
  OnvifDevice,
  'continuousMove' | 'stop' | 'relativeMove' | 'getStatus' | 'getPresets' | 'setPreset' | 'gotoPreset' | 'removePreset'
>;

/** A camera's PTZ: the device and the media profile (GB/T 28181: the channel id) its commands name. */
export interface PtzHandle {
  dev: PtzDevice;
  profile: string;
  /** Its PTZ node lists a relative pan/tilt space: click-to-centre works (false when GetNodes fails). */
  relative: boolean;
}

/** The camera's PTZ profile token; ValidationError (400) when the camera has no PTZ. */
export function ptzProfile(rec: CameraRecord): string {
  if (rec.source === 'cascade') {
    if (!rec.capabilities.ptz || !rec.cascadeCameraId)
      throw new ValidationError(`ptz: camera ${rec.id} has no PTZ`, [
        { path: 'params.id', message: 'its lower platform publishes it without PTZ' },
      ]);
    return rec.cascadeCameraId;
  }
  if (rec.source === 'gb28181') {
    if (!rec.capabilities.ptz || !rec.gbChannelId)
      throw new ValidationError(`ptz: camera ${rec.id} has no PTZ`, [
        { path: 'params.id', message: 'its catalog entry names no PTZ type that moves' },
      ]);
    return rec.gbChannelId;
  }
  const token = rec.capabilities.profileToken;
  if (!rec.capabilities.ptz || !rec.xaddr || typeof token !== 'string' || !token)
    throw new ValidationError(`ptz: camera ${rec.id} has no PTZ`, [
      { path: 'params.id', message: 'no PTZ capability' },
    ]);
  return token;
}

export class PtzDevices {
  private readonly cache = new Map<string, { key: string; at: number; handle: Promise<PtzHandle> }>();

  /**
   * `gb`: the PTZ device of a GB/T 28181 device id (undefined when GB/T 28181 is not enabled); `cascade`: the PTZ of
   * a lower platform's camera as the named operator (undefined when no lower platform links here).
   */
  constructor(
    private readonly cameras: PtzCameraAccess,
    private readonly opts: PtzDeviceOptions,
    private readonly gb?: (deviceId: string) => PtzDevice,
    private readonly cascade?: (peer: string, operator: string) => PtzDevice,
  ) {}

  /** A connected client for the camera (checked for PTZ and reachability); `by`: who asks (cascaded cameras). */
  async handle(rec: CameraRecord, by = ''): Promise<PtzHandle> {
    const profile = ptzProfile(rec);
    if (rec.source === 'cascade') {
      if (!this.cascade || !rec.cascadePeer)
        throw new DeviceError(`ptz: camera ${rec.id}: no cascade server on this gateway`, '', false);
      return { dev: this.cascade(rec.cascadePeer, by), profile, relative: false };
    }
    if (rec.source === 'gb28181') {
      if (!this.gb || !rec.gbDeviceId)
        throw new DeviceError(`ptz: camera ${rec.id}: GB/T 28181 is not enabled on this gateway`, '', false);
      return { dev: this.gb(rec.gbDeviceId), profile, relative: false };
    }
    await this.cameras.assertReach(rec);
    const creds = this.cameras.credentials(rec);
    const key = `${rec.xaddr}|${profile}|${creds?.username ?? ''}|${creds?.password ?? ''}`;
    const hit = this.cache.get(rec.id);
    if (hit && hit.key === key && Date.now() - hit.at < (this.opts.keepMs ?? 60_000)) return hit.handle;
    const dev = new OnvifDevice({
      xaddr: rec.xaddr!,
      timeoutMs: this.opts.requestTimeoutMs,
      maxResponseBytes: this.opts.maxResponseBytes,
      ...(creds ? { username: creds.username, password: creds.password } : {}),
    });
    const handle = dev.connect().then(async () => {
      // a device that faults GetNodes still moves; it is only not offered click-to-centre
      const nodes = await dev.getNodes().catch(() => []);
      return { dev, profile, relative: nodes.some((n) => n.relativePanTilt) };
    });
    this.cache.set(rec.id, { key, at: Date.now(), handle });
    handle.catch(() => this.cache.delete(rec.id));
    return handle;
  }

  /** Runs one PTZ call on the camera; device failures become DeviceError naming the camera and device. */
  async run<T>(rec: CameraRecord, what: string, fn: (h: PtzHandle) => Promise<T>, by = ''): Promise<T> {
    try {
      return await fn(await this.handle(rec, by));
    } catch (err) {
      if (err instanceof OnvifError) this.cache.delete(rec.id);
      throw deviceFailure(`ptz of camera ${rec.id} (${what})`, rec.xaddr ?? '', err);
    }
  }

  forget(cameraId: string): void {
    this.cache.delete(cameraId);
  }
}

/** A device that did not answer may later (503); one that answered badly is a bad gateway (502); others pass. */
function deviceFailure(what: string, xaddr: string, err: unknown): unknown {
  if (err instanceof OnvifTimeoutError || (err instanceof OnvifHttpError && err.status === undefined))
    return new DeviceError(`${what}: device ${xaddr} did not answer: ${err.message}`, xaddr, false);
  if (err instanceof OnvifError)
    return new DeviceError(`${what}: device ${xaddr} answered badly: ${err.message}`, xaddr);
  return err;
}
