// The PTZ head of a simulated camera: position, continuous/absolute/relative moves, presets and its ONVIF PTZ answers.

const tag = (body: string, name: string): string | undefined =>
  new RegExp(`<(?:[A-Za-z0-9_]+:)?${name}\\b[^>]*>([^<]*)<`).exec(body)?.[1];
const escapeXml = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (v: string): string =>
  v
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const clamp = (v: number): number => Math.max(-1, Math.min(1, v));

/** Answer of an operation naming a preset the camera does not have: the camera sends an ONVIF ter:NoToken fault. */
export const PTZ_NO_TOKEN = '\u0000no-token';

type Xyz = { x: number; y: number; z: number };

export interface SimPtzOptions {
  /** The device clock (ms), for GetStatus UtcTime. */
  now: () => number;
  /** Whether it offers RelativeMove (read per request). */
  relativeMove: () => boolean;
}

/** Moves at 0.2 units per second at full speed; starts with one preset, "Gate" (token 1). */
export class SimPtzHead {
  private pos: Xyz = { x: 0, y: 0, z: 0 };
  private vel: Xyz = { x: 0, y: 0, z: 0 };
  private movedAt = Date.now();
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly presets = new Map<string, { name: string } & Xyz>([['1', { name: 'Gate', x: 0.5, y: 0.1, z: 0 }]]);
  /** PTZ operations received, oldest first; the last 100 are kept. */
  readonly log: string[] = [];
  /** The same operations with the time each request reached the camera (Date.now(), ms); the last 100 are kept. */
  readonly received: Array<{ operation: string; at: number }> = [];

  constructor(private readonly opts: SimPtzOptions) {}

  status(): Xyz & { moving: boolean } {
    return { ...this.position(), moving: this.vel.x !== 0 || this.vel.y !== 0 || this.vel.z !== 0 };
  }

  presetList(): Array<{ token: string; name: string } & Xyz> {
    return [...this.presets].map(([token, p]) => ({ token, ...p }));
  }

  private now(): number {
    return this.opts.now();
  }

  private position(): Xyz {
    const dt = (Date.now() - this.movedAt) / 1000;
    return {
      x: clamp(this.pos.x + this.vel.x * dt * 0.2),
      y: clamp(this.pos.y + this.vel.y * dt * 0.2),
      z: Math.max(0, Math.min(1, this.pos.z + this.vel.z * dt * 0.2)),
    };
  }

  private setMotion(pos: Xyz, vel: Xyz = { x: 0, y: 0, z: 0 }): void {
    clearTimeout(this.stopTimer);
    this.pos = pos;
    this.vel = vel;
    this.movedAt = Date.now();
  }

  private stopAfter(ms: number): void {
    this.stopTimer = setTimeout(() => this.setMotion(this.position()), ms);
    this.stopTimer.unref();
  }

  /**
   * The answer body to a PTZ operation; PTZ_NO_TOKEN for a preset it lacks, undefined for one it does not offer.
   * `receivedAt`: when the request reached the camera (benchmarks read it from `received`).
   */
  answer(operation: string, body: string, receivedAt = Date.now()): string | undefined {
    const xy = (el: string): { x: number; y: number; z: number } => {
      const part = new RegExp(`<(?:\\w+:)?${el}\\b[\\s\\S]*?</(?:\\w+:)?${el}>`).exec(body)?.[0] ?? '';
      const pt = /PanTilt[^>]*\bx="([-\d.eE]+)"[^>]*\by="([-\d.eE]+)"/.exec(part);
      const z = /Zoom[^>]*\bx="([-\d.eE]+)"/.exec(part);
      return { x: Number(pt?.[1] ?? 0), y: Number(pt?.[2] ?? 0), z: Number(z?.[1] ?? 0) };
    };
    this.log.push(operation);
    if (this.log.length > 100) this.log.shift();
    this.received.push({ operation, at: receivedAt });
    if (this.received.length > 100) this.received.shift();
    switch (operation) {
      case 'ContinuousMove': {
        this.setMotion(this.position(), xy('Velocity'));
        // a Timeout (PT<n>S) ends the move by itself, as devices do when the Stop is lost
        const timeout = /<(?:\w+:)?Timeout>PT([\d.]+)S</.exec(body)?.[1];
        if (timeout) this.stopAfter(Number(timeout) * 1000);
        return '<tptz:ContinuousMoveResponse/>';
      }
      case 'Stop':
        this.setMotion(this.position());
        return '<tptz:StopResponse/>';
      case 'AbsoluteMove': {
        const p = xy('Position');
        this.setMotion({ x: clamp(p.x), y: clamp(p.y), z: Math.max(0, Math.min(1, p.z)) });
        return '<tptz:AbsoluteMoveResponse/>';
      }
      case 'GetNodes': {
        const rel = !this.opts.relativeMove()
          ? ''
          : '<tt:RelativePanTiltTranslationSpace><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationGenericSpace</tt:URI>' +
            '<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange>' +
            '</tt:RelativePanTiltTranslationSpace>';
        return (
          '<tptz:GetNodesResponse><tptz:PTZNode token="PTZNode"><tt:Name>PTZ</tt:Name>' +
          `<tt:SupportedPTZSpaces>${rel}</tt:SupportedPTZSpaces>` +
          '<tt:MaximumNumberOfPresets>255</tt:MaximumNumberOfPresets><tt:HomeSupported>true</tt:HomeSupported>' +
          '</tptz:PTZNode></tptz:GetNodesResponse>'
        );
      }
      case 'RelativeMove': {
        if (!this.opts.relativeMove()) return undefined;
        const p = xy('Translation');
        const c = this.position();
        this.setMotion({ x: clamp(c.x + p.x), y: clamp(c.y + p.y), z: Math.max(0, Math.min(1, c.z + p.z)) });
        return '<tptz:RelativeMoveResponse/>';
      }
      case 'GetStatus': {
        const p = this.position();
        const moving = this.vel.x !== 0 || this.vel.y !== 0 || this.vel.z !== 0;
        return (
          `<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="${p.x}" y="${p.y}"` +
          ` space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"/>` +
          `<tt:Zoom x="${p.z}" space="http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"/></tt:Position>` +
          `<tt:MoveStatus><tt:PanTilt>${moving ? 'MOVING' : 'IDLE'}</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus>` +
          `<tt:UtcTime>${new Date(this.now()).toISOString()}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`
        );
      }
      case 'GetPresets':
        return `<tptz:GetPresetsResponse>${[...this.presets]
          .map(
            ([token, p]) =>
              `<tptz:Preset token="${token}"><tt:Name>${escapeXml(p.name)}</tt:Name>` +
              `<tt:PTZPosition><tt:PanTilt x="${p.x}" y="${p.y}"/><tt:Zoom x="${p.z}"/></tt:PTZPosition></tptz:Preset>`,
          )
          .join('')}</tptz:GetPresetsResponse>`;
      case 'SetPreset': {
        // overwriting names an existing preset; a new one gets the lowest free numeric token
        const given = tag(body, 'PresetToken');
        if (given !== undefined && !this.presets.has(given)) return PTZ_NO_TOKEN;
        let n = 1;
        while (this.presets.has(String(n))) n++;
        const token = given ?? String(n);
        const name = unescapeXml(tag(body, 'PresetName') ?? token);
        this.presets.set(token, { name, ...this.position() });
        return `<tptz:SetPresetResponse><tptz:PresetToken>${token}</tptz:PresetToken></tptz:SetPresetResponse>`;
      }
      case 'RemovePreset': {
        if (!this.presets.delete(tag(body, 'PresetToken') ?? '')) return PTZ_NO_TOKEN;
        return '<tptz:RemovePresetResponse/>';
      }
      case 'GotoPreset': {
        const p = this.presets.get(tag(body, 'PresetToken') ?? '');
        if (!p) return PTZ_NO_TOKEN;
        this.setMotion({ x: p.x, y: p.y, z: p.z });
        return '<tptz:GotoPresetResponse/>';
      }
      default:
        return undefined;
    }
  }
}
