// OnvifDevice: the project's narrow ONVIF client for one camera: device and media (OnvifClient), PTZ and events.
import { randomUUID } from 'node:crypto';
import { OnvifResponseError } from './errors';
import { A, OnvifClient } from './device-client';
import {
  parsePresets,
  parsePtzNodes,
  parsePtzStatus,
  parseSetPreset,
  type PtzNode,
  type PtzPosition,
  type PtzPreset,
  type PtzStatus,
} from './parse-ptz';
import { PullPoint } from './pull-point';
import { esc } from './soap';
import type { SoapResponse } from './transport';
import { pinServiceUrl } from './uri';
import { parsePullPointSubscription } from './parse-events';

export type { OnvifDeviceOptions } from './device-client';

/** Pan/tilt/zoom velocity or translation, each -1..1 in the generic space. */
export interface PtzVector {
  x?: number;
  y?: number;
  zoom?: number;
}

const vec = (v: PtzVector): string =>
  (v.x !== undefined || v.y !== undefined ? `<tt:PanTilt x="${v.x ?? 0}" y="${v.y ?? 0}"/>` : '') +
  (v.zoom !== undefined ? `<tt:Zoom x="${v.zoom}"/>` : '');

/** One ONVIF device: its device and media services (OnvifClient), PTZ and events. */
export class OnvifDevice extends OnvifClient {
  private ptzUrl(): string {
    if (!this.services.ptz) throw new OnvifResponseError('PTZ', 'the device lists no PTZ service');
    return this.services.ptz;
  }

  private async ptz(op: string, inner: string): Promise<SoapResponse> {
    return this.request(this.ptzUrl(), `${A.ptz}/${op}`, `<tptz:${op}>${inner}</tptz:${op}>`);
  }

  /** Starts moving at `velocity` (-1..1); `timeoutS` stops it automatically (device-side). */
  async continuousMove(profileToken: string, velocity: PtzVector, timeoutS?: number): Promise<void> {
    await this.ptz(
      'ContinuousMove',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:Velocity>${vec(velocity)}</tptz:Velocity>` +
        `${timeoutS !== undefined ? `<tptz:Timeout>PT${timeoutS}S</tptz:Timeout>` : ''}`,
    );
  }

  async stop(profileToken: string): Promise<void> {
    await this.ptz(
      'Stop',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom>`,
    );
  }

  async absoluteMove(profileToken: string, position: PtzVector): Promise<void> {
    await this.ptz(
      'AbsoluteMove',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:Position>${vec(position)}</tptz:Position>`,
    );
  }

  async relativeMove(profileToken: string, translation: PtzVector): Promise<void> {
    await this.ptz(
      'RelativeMove',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:Translation>${vec(translation)}</tptz:Translation>`,
    );
  }

  async getStatus(profileToken: string): Promise<PtzStatus> {
    return parsePtzStatus(
      (await this.ptz('GetStatus', `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken>`)).doc,
    );
  }

  async getPresets(profileToken: string): Promise<PtzPreset[]> {
    return parsePresets(
      (await this.ptz('GetPresets', `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken>`)).doc,
    );
  }

  /** Stores the current position as a preset; returns its token. */
  async setPreset(profileToken: string, name: string, presetToken?: string): Promise<string> {
    const { doc } = await this.ptz(
      'SetPreset',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:PresetName>${esc(name)}</tptz:PresetName>` +
        `${presetToken ? `<tptz:PresetToken>${esc(presetToken)}</tptz:PresetToken>` : ''}`,
    );
    return parseSetPreset(doc);
  }

  async gotoPreset(profileToken: string, presetToken: string): Promise<void> {
    await this.ptz(
      'GotoPreset',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:PresetToken>${esc(presetToken)}</tptz:PresetToken>`,
    );
  }

  /** The device's PTZ nodes and the spaces they support. */
  async getNodes(): Promise<PtzNode[]> {
    return parsePtzNodes((await this.ptz('GetNodes', '')).doc);
  }

  /** Deletes a stored preset. */
  async removePreset(profileToken: string, presetToken: string): Promise<void> {
    await this.ptz(
      'RemovePreset',
      `<tptz:ProfileToken>${esc(profileToken)}</tptz:ProfileToken><tptz:PresetToken>${esc(presetToken)}</tptz:PresetToken>`,
    );
  }

  /**
   * CreatePullPointSubscription on the Events service. `terminationS` (default 60) is the initial
   * lifetime; the returned PullPoint renews nothing by itself: pull() keeps it alive on most devices.
   */
  async createPullPoint(terminationS = 60): Promise<PullPoint> {
    if (!this.services.events) throw new OnvifResponseError('Events', 'the device lists no Events service');
    const { doc, raw } = await this.request(
      this.services.events,
      `${A.events}/EventPortType/CreatePullPointSubscriptionRequest`,
      `<tev:CreatePullPointSubscription><tev:InitialTerminationTime>PT${terminationS}S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`,
    );
    const sub = parsePullPointSubscription(doc, raw);
    return new PullPoint(this, { ...sub, address: pinServiceUrl(this.xaddr, sub.address) }, randomUUID);
  }
}

export type { PtzPosition };
