// PTZCmd (GB/T 28181-2016 annex A.3): the 8-byte front-end control command A5 0F <addr> <code> <d1> <d2> <d3> <sum>, as 16 hex characters.
import { PtzCmdError } from './errors';

/** A decoded front-end command. Speeds are 0–255 (zoom 0–15); presets 1–255. */
export type PtzCommand =
  | { kind: 'stop' }
  | {
      kind: 'move';
      pan: -1 | 0 | 1;
      tilt: -1 | 0 | 1;
      zoom: -1 | 0 | 1;
      panSpeed: number;
      tiltSpeed: number;
      zoomSpeed: number;
    }
  | { kind: 'fi'; focus: -1 | 0 | 1; iris: -1 | 0 | 1; focusSpeed: number; irisSpeed: number }
  | { kind: 'preset'; op: 'set' | 'goto' | 'delete'; preset: number };

const PRESET_OPS = { set: 0x81, goto: 0x82, delete: 0x83 } as const;

const byte = (v: number, max: number, what: string): number => {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new PtzCmdError(`${what} out of 0–${max}`, v);
  return v;
};

/**
 * Encodes a command for device address `address` (0–4095; the low 8 bits go in byte 3, the high 4 in
 * byte 7's low nibble). Byte 2 is the version (0) and check nibble ((0xA + 0x5 + 0) % 16 = 0xF); byte 8
 * is the sum of bytes 1–7 modulo 256.
 */
export function encodePtzCmd(cmd: PtzCommand, address = 0): string {
  byte(address, 0xfff, 'address');
  let code = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  switch (cmd.kind) {
    case 'stop':
      break;
    case 'move':
      // bit0 right, bit1 left, bit2 down, bit3 up, bit4 zoom in (tele), bit5 zoom out (wide)
      code = (cmd.pan > 0 ? 0x01 : cmd.pan < 0 ? 0x02 : 0) | (cmd.tilt < 0 ? 0x04 : cmd.tilt > 0 ? 0x08 : 0);
      code |= cmd.zoom > 0 ? 0x10 : cmd.zoom < 0 ? 0x20 : 0;
      d1 = byte(cmd.panSpeed, 255, 'pan speed');
      d2 = byte(cmd.tiltSpeed, 255, 'tilt speed');
      d3 = byte(cmd.zoomSpeed, 15, 'zoom speed');
      break;
    case 'fi':
      // 0100 then bit3 iris close, bit2 iris open, bit1 focus near, bit0 focus far
      code = 0x40 | (cmd.iris < 0 ? 0x08 : cmd.iris > 0 ? 0x04 : 0) | (cmd.focus < 0 ? 0x02 : cmd.focus > 0 ? 0x01 : 0);
      d1 = byte(cmd.focusSpeed, 255, 'focus speed');
      d2 = byte(cmd.irisSpeed, 255, 'iris speed');
      break;
    case 'preset':
      code = PRESET_OPS[cmd.op];
      d2 = byte(cmd.preset, 255, 'preset');
      if (cmd.preset === 0) throw new PtzCmdError('preset 0 does not exist', 0);
      break;
  }
  const bytes = [0xa5, 0x0f, address & 0xff, code, d1, d2, ((d3 & 0x0f) << 4) | (address >> 8)];
  bytes.push(bytes.reduce((a, b) => a + b, 0) & 0xff);
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** Decodes a PTZCmd hex string; throws PtzCmdError on a wrong length, header, check nibble or checksum. */
export function decodePtzCmd(hex: string): { address: number; command: PtzCommand } {
  if (!/^[0-9A-Fa-f]{16}$/.test(hex)) throw new PtzCmdError('not 16 hex characters', hex);
  const b = [...Buffer.from(hex, 'hex')];
  const at = (i: number): number => b[i] ?? 0;
  if (at(0) !== 0xa5) throw new PtzCmdError('first byte is not A5', hex);
  if ((at(1) & 0x0f) !== ((0xa + 0x5 + (at(1) >> 4)) & 0x0f)) throw new PtzCmdError('check nibble of byte 2', hex);
  if ((b.slice(0, 7).reduce((a, v) => a + v, 0) & 0xff) !== at(7)) throw new PtzCmdError('checksum', hex);
  const address = at(2) | ((at(6) & 0x0f) << 8);
  const code = at(3);
  if (code === 0) return { address, command: { kind: 'stop' } };
  if (code < 0x40) {
    const dir = (pos: number, neg: number): -1 | 0 | 1 => (code & pos ? 1 : code & neg ? -1 : 0);
    const zoomSpeed = at(6) >> 4;
    return {
      address,
      command: {
        kind: 'move',
        pan: dir(0x01, 0x02),
        tilt: dir(0x08, 0x04),
        zoom: dir(0x10, 0x20),
        panSpeed: at(4),
        tiltSpeed: at(5),
        zoomSpeed,
      },
    };
  }
  if (code < 0x50) {
    const fi = (pos: number, neg: number): -1 | 0 | 1 => (code & pos ? 1 : code & neg ? -1 : 0);
    return {
      address,
      command: { kind: 'fi', focus: fi(0x01, 0x02), iris: fi(0x04, 0x08), focusSpeed: at(4), irisSpeed: at(5) },
    };
  }
  const op = (Object.entries(PRESET_OPS).find(([, v]) => v === code)?.[0] ?? null) as 'set' | 'goto' | 'delete' | null;
  if (op) return { address, command: { kind: 'preset', op, preset: at(5) } };
  throw new PtzCmdError(`instruction code 0x${code.toString(16)} not supported`, hex);
}
