// PTZ of cascaded cameras: the PTZ service's device calls forwarded to the lower platform, naming the operator.
import type { PtzPreset, PtzStatus, PtzVector } from '../onvif/index';
import type { PtzDevice } from '../ptz/ptz-devices';
import { ValidationError } from '../errors';
import { CascadeUnavailable } from './errors';
import type { Link } from './link';
import type { PtzOp } from './lower-requests';

/**
 * One cascaded camera's PTZ as `operator` (the upper platform's principal, named in the lower platform's audit).
 * The "profile" of each call is the camera's id at the lower platform. Presets are the lower platform's to keep:
 * going to one is forwarded, setting or removing one is refused here.
 */
export class CascadePtzDevice implements PtzDevice {
  constructor(
    private readonly link: () => Link | null,
    private readonly peer: string,
    private readonly operator: string,
    private readonly timeoutMs: number,
  ) {}

  private async call(camera: string, command: PtzOp, args: Record<string, unknown> = {}): Promise<unknown> {
    const link = this.link();
    if (!link) throw new CascadeUnavailable(`cascade: ${this.peer} is not linked`);
    return link.request('ptz', { camera, command, args, operator: this.operator }, this.timeoutMs);
  }

  async continuousMove(camera: string, v: PtzVector): Promise<void> {
    await this.call(camera, 'move', { x: v.x ?? 0, y: v.y ?? 0, zoom: v.zoom ?? 0 });
  }

  async stop(camera: string): Promise<void> {
    await this.call(camera, 'stop');
  }

  async getPresets(camera: string): Promise<PtzPreset[]> {
    const r = await this.call(camera, 'presets');
    return Array.isArray(r)
      ? r
          .filter(
            (p): p is { token: string; name: string } => typeof p?.token === 'string' && typeof p?.name === 'string',
          )
          .map((p) => ({ token: p.token.slice(0, 64), name: p.name.slice(0, 200) }))
      : [];
  }

  async gotoPreset(camera: string, token: string): Promise<void> {
    await this.call(camera, 'goto-preset', { token });
  }

  private refuse(what: string): ValidationError {
    return new ValidationError(`ptz: ${what} of a cascaded camera is done at its own platform (${this.peer})`, [
      { path: 'params.id', message: `a camera of lower platform ${this.peer}` },
    ]);
  }

  relativeMove(): Promise<void> {
    return Promise.reject(this.refuse('click-to-centre'));
  }

  getStatus(): Promise<PtzStatus> {
    return Promise.reject(this.refuse('reading the position'));
  }

  setPreset(): Promise<string> {
    return Promise.reject(this.refuse('setting a preset'));
  }

  removePreset(): Promise<void> {
    return Promise.reject(this.refuse('removing a preset'));
  }
}
