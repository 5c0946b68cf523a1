// PTZ of GB/T 28181 channels: the PTZ service's device calls as PTZCmd DeviceControl messages (GB/T 28181 annex A.3).
import type { PtzPreset, PtzStatus, PtzVector } from '../onvif/index';
import { GbDeviceError, GbError, SipTimeoutError, type Gb28181Server, type PtzCommand } from '../gb28181/index';
import { DeviceError, ValidationError } from '../errors';
import type { PtzDevice } from '../ptz/ptz-devices';

const PRESET = /^(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-5])$/;

/** True when `token` names a GB/T 28181 preset (1–255: the devices number them and list none). */
export const isGbPreset = (token: string): boolean => PRESET.test(token);

const sign = (v: number | undefined): -1 | 0 | 1 => (!v ? 0 : v > 0 ? 1 : -1);
const speed = (v: number | undefined, max: number): number =>
  Math.min(max, Math.max(1, Math.round(Math.abs(v ?? 0) * max)));

/**
 * One device's channels. A continuous move is stopped by the gateway after its timeout, as an ONVIF
 * camera stops by itself (a GB/T 28181 device moves until told to stop). The "profile" is the channel id.
 */
export class GbPtzDevice implements PtzDevice {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly server: Gb28181Server,
    readonly deviceId: string,
  ) {}

  private async send(channelId: string, cmd: PtzCommand): Promise<void> {
    const t = this.timers.get(channelId);
    if (t) clearTimeout(t);
    this.timers.delete(channelId);
    try {
      await this.server.ptz(this.deviceId, channelId, cmd);
    } catch (err) {
      if (!(err instanceof GbError)) throw err;
      const answered = !(err instanceof SipTimeoutError || err instanceof GbDeviceError);
      throw new DeviceError(`ptz: GB/T 28181 device ${this.deviceId}: ${err.message}`, this.deviceId, answered);
    }
  }

  async continuousMove(channelId: string, v: PtzVector, timeoutS?: number): Promise<void> {
    const cmd: PtzCommand = {
      kind: 'move',
      pan: sign(v.x),
      tilt: sign(v.y),
      zoom: sign(v.zoom),
      panSpeed: v.x ? speed(v.x, 255) : 0,
      tiltSpeed: v.y ? speed(v.y, 255) : 0,
      zoomSpeed: v.zoom ? speed(v.zoom, 15) : 0,
    };
    await this.send(channelId, cmd);
    if (timeoutS && (cmd.pan || cmd.tilt || cmd.zoom)) {
      const t = setTimeout(() => void this.stop(channelId).catch(() => undefined), timeoutS * 1000);
      t.unref();
      this.timers.set(channelId, t);
    }
  }

  async stop(channelId: string): Promise<void> {
    await this.send(channelId, { kind: 'stop' });
  }

  async relativeMove(channelId: string, _t: PtzVector): Promise<void> {
    throw new ValidationError(`ptz: GB/T 28181 channel ${channelId} has no relative move`, [
      { path: 'params.id', message: 'GB/T 28181 PTZCmd has no relative move' },
    ]);
  }

  async getStatus(_channelId: string): Promise<PtzStatus> {
    return { position: {}, moving: false };
  }

  async getPresets(_channelId: string): Promise<PtzPreset[]> {
    return [];
  }

  async gotoPreset(channelId: string, token: string): Promise<void> {
    await this.send(channelId, { kind: 'preset', op: 'goto', preset: this.preset(token) });
  }

  async setPreset(channelId: string, _name: string, token?: string): Promise<string> {
    if (token === undefined)
      throw new ValidationError('ptz: GB/T 28181 presets are numbered 1–255: store one by its number', [
        { path: 'body.name', message: 'GB/T 28181 devices keep numbered presets only' },
      ]);
    await this.send(channelId, { kind: 'preset', op: 'set', preset: this.preset(token) });
    return token;
  }

  async removePreset(channelId: string, token: string): Promise<void> {
    await this.send(channelId, { kind: 'preset', op: 'delete', preset: this.preset(token) });
  }

  private preset(token: string): number {
    if (!isGbPreset(token))
      throw new ValidationError(`ptz: GB/T 28181 preset ${JSON.stringify(token.slice(0, 20))} is not 1–255`, [
        { path: 'params.token', message: 'a number 1–255' },
      ]);
    return Number(token);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
