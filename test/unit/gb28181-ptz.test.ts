// PTZCmd (GB/T 28181 annex A.3): encoding with the checksum, decoding back, and refusing broken commands.
import assert from 'node:assert/strict';
import { PtzCmdError, decodePtzCmd, encodePtzCmd, type PtzCommand } from '../../gateway/gb28181/index';

const move = (pan: -1 | 0 | 1, tilt: -1 | 0 | 1, zoom: -1 | 0 | 1, s = 0x1f, z = 0): PtzCommand => ({
  kind: 'move',
  pan,
  tilt,
  zoom,
  panSpeed: s,
  tiltSpeed: s,
  zoomSpeed: z,
});

describe('gb28181 PTZCmd', () => {
  const vectors: Array<[string, PtzCommand, number, string]> = [
    ['stop', { kind: 'stop' }, 1, 'A50F0100000000B5'],
    [
      'left at pan speed 0x1F',
      { kind: 'move', pan: -1, tilt: 0, zoom: 0, panSpeed: 0x1f, tiltSpeed: 0, zoomSpeed: 0 },
      1,
      'A50F01021F0000D6',
    ],
    ['right', move(1, 0, 0), 1, 'A50F01011F1F00F4'],
    ['up', move(0, 1, 0), 1, 'A50F01081F1F00FB'],
    ['down-left', move(-1, -1, 0), 1, 'A50F01061F1F00F9'],
    ['zoom in at speed 5', move(0, 0, 1, 0, 5), 1, 'A50F011000005015'],
    ['zoom out', move(0, 0, -1, 0, 1), 1, 'A50F0120000010E5'],
    [
      'focus far, iris open',
      { kind: 'fi', focus: 1, iris: 1, focusSpeed: 0x10, irisSpeed: 0x10 },
      1,
      'A50F01451010001A',
    ],
    ['set preset 3', { kind: 'preset', op: 'set', preset: 3 }, 1, 'A50F018100030039'],
    ['goto preset 3', { kind: 'preset', op: 'goto', preset: 3 }, 1, 'A50F01820003003A'],
    ['delete preset 255', { kind: 'preset', op: 'delete', preset: 255 }, 1, 'A50F018300FF0037'],
    ['address 0x123 (high nibble in byte 7)', { kind: 'stop' }, 0x123, 'A50F2300000001D8'],
  ];
  for (const [name, cmd, address, hex] of vectors)
    it(`${name} is ${hex} and decodes back`, () => {
      assert.equal(encodePtzCmd(cmd, address), hex);
      assert.deepEqual(decodePtzCmd(hex), { address, command: cmd });
    });

  it('the checksum is the sum of bytes 1–7 modulo 256', () => {
    for (const [, cmd, address] of vectors) {
      const b = [...Buffer.from(encodePtzCmd(cmd, address), 'hex')];
      assert.equal(b.slice(0, 7).reduce((a, v) => a + v, 0) % 256, b[7]);
    }
  });

  const bad: Array<[string, () => unknown]> = [
    ['a wrong checksum', () => decodePtzCmd('A50F0100000000B6')],
    ['a wrong first byte', () => decodePtzCmd('A40F0100000000B4')],
    ['a wrong check nibble', () => decodePtzCmd('A50E0100000000B4')],
    ['7 bytes', () => decodePtzCmd('A50F01000000B5')],
    ['non-hex', () => decodePtzCmd('A50F01000000ZZB5')],
    ['an unsupported instruction', () => decodePtzCmd(encodeRaw([0xa5, 0x0f, 1, 0x99, 0, 0, 0]))],
    ['pan speed 256', () => encodePtzCmd(move(1, 0, 0, 256))],
    ['zoom speed 16', () => encodePtzCmd(move(0, 0, 1, 0, 16))],
    ['preset 0', () => encodePtzCmd({ kind: 'preset', op: 'goto', preset: 0 })],
    ['address 4096', () => encodePtzCmd({ kind: 'stop' }, 4096)],
  ];
  for (const [name, fn] of bad) it(`refuses ${name}`, () => assert.throws(fn, PtzCmdError));
});

function encodeRaw(b: number[]): string {
  return Buffer.from([...b, b.reduce((a, v) => a + v, 0) & 0xff])
    .toString('hex')
    .toUpperCase();
}
