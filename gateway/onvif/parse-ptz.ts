// Parsers for PTZ answers: presets and status.
import { OnvifResponseError } from './errors';
import { attr, kid, kids, soapBody, text, type XNode } from './xml';

/** Pan/tilt in the device's generic space (normally -1..1), zoom 0..1. */
export interface PtzPosition {
  pan?: number;
  tilt?: number;
  zoom?: number;
}

/** A stored preset; `name` is '' when the device has none (Hikvision lists 255 slots, most unnamed). */
export interface PtzPreset {
  token: string;
  name: string;
  position?: PtzPosition;
}

const f = (v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

function position(p: unknown): PtzPosition | undefined {
  if (p === undefined) return undefined;
  const pt = kid(p, 'PanTilt');
  const z = kid(p, 'Zoom');
  const out: PtzPosition = {};
  const pan = f(attr(pt, 'x'));
  const tilt = f(attr(pt, 'y'));
  const zoom = f(attr(z, 'x'));
  if (pan !== undefined) out.pan = pan;
  if (tilt !== undefined) out.tilt = tilt;
  if (zoom !== undefined) out.zoom = zoom;
  return out;
}

export function parsePresets(doc: XNode): PtzPreset[] {
  const r = kid(soapBody(doc), 'GetPresetsResponse');
  if (r === undefined) throw new OnvifResponseError('GetPresets', 'no GetPresetsResponse');
  return kids(r, 'Preset').map((p) => {
    const pos = position(kid(p, 'PTZPosition'));
    return { token: attr(p, 'token') ?? '', name: text(p, 'Name') ?? '', ...(pos ? { position: pos } : {}) };
  });
}

/** GetStatus: position and whether pan/tilt is moving. */
export interface PtzStatus {
  position: PtzPosition;
  moving: boolean;
}

export function parsePtzStatus(doc: XNode): PtzStatus {
  const s = kid(soapBody(doc), 'GetStatusResponse', 'PTZStatus');
  if (s === undefined) throw new OnvifResponseError('GetStatus', 'no PTZStatus');
  const ms = kid(s, 'MoveStatus');
  const moving = [text(ms, 'PanTilt'), text(ms, 'Zoom'), text(ms)].some((v) => v === 'MOVING');
  return { position: position(kid(s, 'Position')) ?? {}, moving };
}

/** A PTZ node (GetNodes): what it supports that callers choose by. */
export interface PtzNode {
  token: string;
  /** It lists a relative pan/tilt translation space (RelativeMove of pan/tilt works). */
  relativePanTilt: boolean;
  relativeZoom: boolean;
  /** Most presets it stores, when it says. */
  maxPresets?: number;
}

export function parsePtzNodes(doc: XNode): PtzNode[] {
  const r = kid(soapBody(doc), 'GetNodesResponse');
  if (r === undefined) throw new OnvifResponseError('GetNodes', 'no GetNodesResponse');
  return kids(r, 'PTZNode').map((n) => {
    const spaces = kid(n, 'SupportedPTZSpaces');
    const max = f(text(n, 'MaximumNumberOfPresets'));
    return {
      token: attr(n, 'token') ?? '',
      relativePanTilt: kids(spaces, 'RelativePanTiltTranslationSpace').length > 0,
      relativeZoom: kids(spaces, 'RelativeZoomTranslationSpace').length > 0,
      ...(max !== undefined ? { maxPresets: max } : {}),
    };
  });
}

/** SetPreset returns the token of the (new) preset. */
export function parseSetPreset(doc: XNode): string {
  const t = text(soapBody(doc), 'SetPresetResponse', 'PresetToken');
  if (!t) throw new OnvifResponseError('SetPreset', 'no PresetToken');
  return t;
}
